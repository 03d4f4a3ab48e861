"""The stack's parts, one module per concern; `infrastructure/stack.py` assembles them.

Each part is a plain function that creates its resources with the stack itself as their
scope, so their logical IDs are the ones a flat stack would give them (a nested construct
would prefix them, and CloudFormation would replace every table, bucket and key).
"""
