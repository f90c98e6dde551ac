"""Staff's view of the live data (`carjunction admin`): inquiries, orders, the shipping manifest, members.

Logic only: it reads and writes through ``carjunction.api.store`` (the same store the API uses) and returns
plain, JSON-ready rows; ``carjunction.ops.admin_cli`` parses the command line and prints them.
"""
