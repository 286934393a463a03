"""No models of its own: the portal's wiring. (This module must exist all the same: Django sends
post_migrate only for apps with a models module, and ccc_portal.apps re-syncs the staff groups
then, after every other app's permissions exist.)"""
