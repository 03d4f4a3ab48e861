"""One pure validator per kind of file; each returns a `Verdict` and has fixed bounds."""
