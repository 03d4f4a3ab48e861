"""Privacy rights (Mexican ARCO): a person's data export and account deletion."""
