"""Use cases: load, call the domain, commit. No Faust, FastAPI or httpx here."""
