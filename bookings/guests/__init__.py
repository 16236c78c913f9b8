"""Guest profiles: who stays, their contacts, preferences, history and consent."""
