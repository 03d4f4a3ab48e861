"""What the contexts' PynamoDB models share (see `models.py`)."""
