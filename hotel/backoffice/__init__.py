"""The back office: the bookings admin, rate rules, the dashboard, the rack and the reports.

An edge above every app, installed so that hotel.admin_site's autodiscovery imports its
admin.py, which registers the model admins and the pages on the admin site.
"""
