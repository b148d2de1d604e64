"""Django's SQLite backend, its writers started without SQLite's long busy sleeps (base.py)."""
