"""The guest site: the pages a guest sees (home, search, book, pay, find and manage a booking).

An edge above every app: the pages parse input, call the apps' services and selectors, and
render templates/site/. The apps below never import it.
"""
