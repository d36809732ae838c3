"""Who may use the app: accounts, sign-in sessions, the login routes and the gate every page passes."""
