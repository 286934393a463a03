# The portal package has no models of its own. This module exists so that Django sends
# post_migrate for this app (it skips apps without a models module), after every other app's
# permissions exist: ccc_portal.apps re-syncs the staff groups then.
