"""Procurement pages. Each view: access check → form → service → redirect (docs/style.md).

Roles: procurement (and admin) write; managers read the internal pages; vendors use the
portal and their own quotes only. Vendor scoping lives in the selectors (404 for another
vendor's objects); the wrong role gets 403 from `role_required` or the services.
"""
