"""Providers (Mexico): bank account, care orders, payment detail, invoices, complements."""
