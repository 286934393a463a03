"""The names of the staff groups, for code that looks people up by role (the MoU digest goes
to "CCC staff"). What each group may do is decided in ccc_portal.permissions."""

CCC_STAFF = "CCC staff"
EVENT_COORDINATORS = "Event coordinators"
