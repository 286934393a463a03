"""Django and third-party strings that the portal's Khmer catalogue translates.

Django's own Khmer (km) catalogues are incomplete: most form and model validation errors, much of
the admin (change list, change form, delete confirmation, login and password screens, filters,
actions) and of django.contrib.auth have no Khmer translation, and the translated part misspells
March (មិនា for មីនា) and uses words of its own. django-import-export and django-celery-beat ship
no Khmer at all.

Our catalogue (``locale/km/LC_MESSAGES/django.po``) is in ``LOCALE_PATHS``, which Django reads
before the installed packages' catalogues, so its translations win over theirs. But
``makemessages --no-obsolete`` keeps only the msgids it finds in our own source. This module is
that source: it lists, exactly as the packages spell them, the msgids we translate ourselves, so
that ``make makemessages`` keeps them in our catalogue. Their Khmer is in
``locale/km/third_party_compendium.po``, whose header gives the commands that merge it in after
``make makemessages``. The admin's JavaScript strings are in ``locale/km/LC_MESSAGES/djangojs.po``.

Not listed, because no user of the portal meets them: language names, app names of apps without
models, model field descriptions (admindocs only), 404 messages of generic and static views, the
"install worked" page, GIS, PostgreSQL and admindocs messages, and developer-only errors.

Nothing imports this module; the calls below only mark strings for extraction. A msgid here must
stay identical to the package's, or the override silently stops applying.
"""

from django.utils.translation import gettext_noop, ngettext_lazy, pgettext_lazy

# --- Django core (django/conf/locale) ----------------------------------------------------------

# Pagination
gettext_noop("…")
gettext_noop("That page number is not an integer")
gettext_noop("That page number is less than 1")
gettext_noop("That page contains no results")

# Validators (form and model fields)
gettext_noop("Enter a valid value.")
gettext_noop("Enter a valid domain name.")
gettext_noop("Enter a valid URL.")
gettext_noop("Enter a valid integer.")
gettext_noop("Enter a valid email address.")
gettext_noop("Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.")
gettext_noop(
    "Enter a valid “slug” consisting of Unicode letters, numbers, underscores, or hyphens."
)
gettext_noop("Enter a valid %(protocol)s address.")
gettext_noop("IPv4")
gettext_noop("IPv6")
gettext_noop("IPv4 or IPv6")
gettext_noop("Enter only digits separated by commas.")
gettext_noop("Ensure this value is %(limit_value)s (it is %(show_value)s).")
gettext_noop("Ensure this value is less than or equal to %(limit_value)s.")
gettext_noop("Ensure this value is greater than or equal to %(limit_value)s.")
gettext_noop("Ensure this value is a multiple of step size %(limit_value)s.")
gettext_noop(
    "Ensure this value is a multiple of step size %(limit_value)s, starting from %(offset)s, e.g. %(offset)s, %(valid_value1)s, %(valid_value2)s, and so on."  # noqa: E501
)
ngettext_lazy(
    "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
    "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
    "count",
)
ngettext_lazy(
    "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
    "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
    "count",
)
gettext_noop("Enter a number.")
ngettext_lazy(
    "Ensure that there are no more than %(max)s digit in total.",
    "Ensure that there are no more than %(max)s digits in total.",
    "count",
)
ngettext_lazy(
    "Ensure that there are no more than %(max)s decimal place.",
    "Ensure that there are no more than %(max)s decimal places.",
    "count",
)
ngettext_lazy(
    "Ensure that there are no more than %(max)s digit before the decimal point.",
    "Ensure that there are no more than %(max)s digits before the decimal point.",
    "count",
)
gettext_noop(
    "File extension “%(extension)s” is not allowed. Allowed extensions are: %(allowed_extensions)s."
)
gettext_noop("Null characters are not allowed.")

# Model validation
# also django.contrib.admin
gettext_noop("and")
gettext_noop("%(model_name)s with this %(field_labels)s already exists.")
gettext_noop("Constraint “%(name)s” is violated.")
gettext_noop("Value %(value)r is not a valid choice.")
gettext_noop("This field cannot be null.")
gettext_noop("This field cannot be blank.")
gettext_noop("%(model_name)s with this %(field_label)s already exists.")
gettext_noop("%(field_label)s must be unique for %(date_field_label)s %(lookup_type)s.")
gettext_noop("“%(value)s” value must be either True or False.")
gettext_noop("“%(value)s” value must be either True, False, or None.")
gettext_noop("“%(value)s” value has an invalid date format. It must be in YYYY-MM-DD format.")
gettext_noop("“%(value)s” value has the correct format (YYYY-MM-DD) but it is an invalid date.")
gettext_noop(
    "“%(value)s” value has an invalid format. It must be in YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ] format."  # noqa: E501
)
gettext_noop(
    "“%(value)s” value has the correct format (YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ]) but it is an invalid date/time."  # noqa: E501
)
gettext_noop("“%(value)s” value must be a decimal number.")
gettext_noop(
    "“%(value)s” value has an invalid format. It must be in [DD] [[HH:]MM:]ss[.uuuuuu] format."
)
gettext_noop("“%(value)s” value must be a float.")
gettext_noop("“%(value)s” value must be an integer.")
gettext_noop("“%(value)s” value must be either None, True or False.")
gettext_noop("“%(value)s” value has an invalid format. It must be in HH:MM[:ss[.uuuuuu]] format.")
gettext_noop(
    "“%(value)s” value has the correct format (HH:MM[:ss[.uuuuuu]]) but it is an invalid time."
)
gettext_noop("“%(value)s” is not a valid UUID.")
gettext_noop("Value must be valid JSON.")
gettext_noop("%(model)s instance with %(field)s %(value)r is not a valid choice.")
gettext_noop("%(from)s-%(to)s relationship")
gettext_noop("%(from)s-%(to)s relationships")

# Forms, formsets and model forms
gettext_noop(":?.!")
gettext_noop("This field is required.")
gettext_noop("Enter a whole number.")
gettext_noop("Enter a valid date.")
gettext_noop("Enter a valid time.")
gettext_noop("Enter a valid date/time.")
gettext_noop("Enter a valid duration.")
gettext_noop("The number of days must be between {min_days} and {max_days}.")
gettext_noop("No file was submitted. Check the encoding type on the form.")
gettext_noop("No file was submitted.")
gettext_noop("The submitted file is empty.")
ngettext_lazy(
    "Ensure this filename has at most %(max)d character (it has %(length)d).",
    "Ensure this filename has at most %(max)d characters (it has %(length)d).",
    "count",
)
gettext_noop("Please either submit a file or check the clear checkbox, not both.")
gettext_noop(
    "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
)
gettext_noop("Select a valid choice. %(value)s is not one of the available choices.")
gettext_noop("Enter a list of values.")
gettext_noop("Enter a complete value.")
gettext_noop("Enter a valid UUID.")
gettext_noop("Enter a valid JSON.")
gettext_noop(":")
gettext_noop("(Hidden field %(name)s) %(error)s")
gettext_noop(
    "ManagementForm data is missing or has been tampered with. Missing fields: %(field_names)s. You may need to file a bug report if the issue persists."  # noqa: E501
)
ngettext_lazy(
    "Please submit at most %(num)d form.", "Please submit at most %(num)d forms.", "count"
)
ngettext_lazy(
    "Please submit at least %(num)d form.", "Please submit at least %(num)d forms.", "count"
)
gettext_noop("Order")
# also django.contrib.admin, django-import-export
gettext_noop("Delete")
gettext_noop("Please correct the duplicate data for %(field)s.")
gettext_noop("Please correct the duplicate data for %(field)s, which must be unique.")
gettext_noop(
    "Please correct the duplicate data for %(field_name)s which must be unique for the %(lookup)s in %(date_field)s."  # noqa: E501
)
gettext_noop("Please correct the duplicate values below.")
gettext_noop("The inline value did not match the parent instance.")
gettext_noop("Select a valid choice. That choice is not one of the available choices.")
gettext_noop("“%(pk)s” is not a valid value.")
gettext_noop(
    "%(datetime)s couldn’t be interpreted in time zone %(current_timezone)s; it may be ambiguous or it may not exist."  # noqa: E501
)

# Form widgets (file input, yes/no/unknown select)
gettext_noop("Clear")
gettext_noop("Currently")
# also django.contrib.admin
gettext_noop("Change")
# also django.contrib.admin
gettext_noop("Unknown")
# also django.contrib.admin
gettext_noop("Yes")
# also django.contrib.admin
gettext_noop("No")

# Template filters: yesno, filesizeformat
gettext_noop("yes,no,maybe")
ngettext_lazy("%(size)d byte", "%(size)d bytes", "count")
gettext_noop("%s KB")
gettext_noop("%s MB")
gettext_noop("%s GB")
gettext_noop("%s TB")
gettext_noop("%s PB")

# Times of day
gettext_noop("p.m.")
gettext_noop("a.m.")
gettext_noop("PM")
gettext_noop("AM")
gettext_noop("midnight")
gettext_noop("noon")

# Weekdays
gettext_noop("Monday")
gettext_noop("Tuesday")
gettext_noop("Wednesday")
gettext_noop("Thursday")
gettext_noop("Friday")
gettext_noop("Saturday")
gettext_noop("Sunday")
gettext_noop("Mon")
gettext_noop("Tue")
gettext_noop("Wed")
gettext_noop("Thu")
gettext_noop("Fri")
gettext_noop("Sat")
gettext_noop("Sun")

# Months
gettext_noop("January")
gettext_noop("February")
gettext_noop("March")
gettext_noop("April")
gettext_noop("May")
gettext_noop("June")
gettext_noop("July")
gettext_noop("August")
gettext_noop("September")
gettext_noop("October")
gettext_noop("November")
gettext_noop("December")
gettext_noop("jan")
gettext_noop("feb")
gettext_noop("mar")
gettext_noop("apr")
gettext_noop("may")
gettext_noop("jun")
gettext_noop("jul")
gettext_noop("aug")
gettext_noop("sep")
gettext_noop("oct")
gettext_noop("nov")
gettext_noop("dec")
pgettext_lazy("abbrev. month", "Jan.")
pgettext_lazy("abbrev. month", "Feb.")
pgettext_lazy("abbrev. month", "March")
pgettext_lazy("abbrev. month", "April")
pgettext_lazy("abbrev. month", "May")
pgettext_lazy("abbrev. month", "June")
pgettext_lazy("abbrev. month", "July")
pgettext_lazy("abbrev. month", "Aug.")
pgettext_lazy("abbrev. month", "Sept.")
pgettext_lazy("abbrev. month", "Oct.")
pgettext_lazy("abbrev. month", "Nov.")
pgettext_lazy("abbrev. month", "Dec.")
pgettext_lazy("alt. month", "January")
pgettext_lazy("alt. month", "February")
pgettext_lazy("alt. month", "March")
pgettext_lazy("alt. month", "April")
pgettext_lazy("alt. month", "May")
pgettext_lazy("alt. month", "June")
pgettext_lazy("alt. month", "July")
pgettext_lazy("alt. month", "August")
pgettext_lazy("alt. month", "September")
pgettext_lazy("alt. month", "October")
pgettext_lazy("alt. month", "November")
pgettext_lazy("alt. month", "December")

# IPv6, text truncation, lists, time since
gettext_noop("This is not a valid IPv6 address.")
pgettext_lazy("String to return when truncating text", "%(truncated_text)s…")
gettext_noop("or")
gettext_noop(", ")
ngettext_lazy("%(num)d year", "%(num)d years", "count")
ngettext_lazy("%(num)d month", "%(num)d months", "count")
ngettext_lazy("%(num)d week", "%(num)d weeks", "count")
ngettext_lazy("%(num)d day", "%(num)d days", "count")
ngettext_lazy("%(num)d hour", "%(num)d hours", "count")
ngettext_lazy("%(num)d minute", "%(num)d minutes", "count")

# CSRF failure page
gettext_noop("Forbidden")
gettext_noop("CSRF verification failed. Request aborted.")
gettext_noop(
    "You are seeing this message because this HTTPS site requires a “Referer header” to be sent by your web browser, but none was sent. This header is required for security reasons, to ensure that your browser is not being hijacked by third parties."  # noqa: E501
)
gettext_noop(
    "If you have configured your browser to disable “Referer” headers, please re-enable them, at least for this site, or for HTTPS connections, or for “same-origin” requests."  # noqa: E501
)
gettext_noop(
    'If you are using the <meta name="referrer" content="no-referrer"> tag or including the “Referrer-Policy: no-referrer” header, please remove them. The CSRF protection requires the “Referer” header to do strict referer checking. If you’re concerned about privacy, use alternatives like <a rel="noreferrer" …> for links to third-party sites.'  # noqa: E501
)
gettext_noop(
    "You are seeing this message because this site requires a CSRF cookie when submitting forms. This cookie is required for security reasons, to ensure that your browser is not being hijacked by third parties."  # noqa: E501
)
gettext_noop(
    "If you have configured your browser to disable cookies, please re-enable them, at least for this site, or for “same-origin” requests."  # noqa: E501
)
gettext_noop("More information is available with DEBUG=True.")

# --- django.contrib.admin (django/contrib/admin/locale) ----------------------------------------
gettext_noop("Delete selected %(verbose_name_plural)s")
gettext_noop("Successfully deleted %(count)d %(items)s.")
gettext_noop("Cannot delete %(name)s")
gettext_noop("Delete multiple objects")
gettext_noop("Administration")
gettext_noop("All")
gettext_noop("Any date")
gettext_noop("Today")
gettext_noop("Past 7 days")
gettext_noop("This month")
gettext_noop("This year")
gettext_noop("No date")
gettext_noop("Has date")
gettext_noop("Empty")
gettext_noop("Not empty")
gettext_noop(
    "Please enter the correct %(username)s and password for a staff account. Note that both fields may be case-sensitive."  # noqa: E501
)
gettext_noop("Action:")
gettext_noop("Add another %(verbose_name)s")
gettext_noop("Remove")
gettext_noop("Addition")
gettext_noop("Deletion")
gettext_noop("action time")
# also django.contrib.auth
gettext_noop("user")
# also django.contrib.auth, django.contrib.contenttypes
gettext_noop("content type")
gettext_noop("object id")
gettext_noop("object repr")
gettext_noop("action flag")
gettext_noop("change message")
gettext_noop("log entry")
gettext_noop("log entries")
gettext_noop("Added “%(object)s”.")
gettext_noop("Changed “%(object)s” — %(changes)s")
gettext_noop("Deleted “%(object)s.”")
gettext_noop("LogEntry Object")
gettext_noop("Added {name} “{object}”.")
gettext_noop("Added.")
gettext_noop("Changed {fields} for {name} “{object}”.")
gettext_noop("Changed {fields}.")
gettext_noop("Deleted {name} “{object}”.")
gettext_noop("No fields changed.")
# also django-modeltranslation
gettext_noop("None")
gettext_noop("Hold down “Control”, or “Command” on a Mac, to select more than one.")
gettext_noop("Select this object for an action - {}")
gettext_noop("The {name} “{obj}” was added successfully.")
gettext_noop("You may edit it again below.")
gettext_noop("The {name} “{obj}” was added successfully. You may add another {name} below.")
gettext_noop("The {name} “{obj}” was changed successfully. You may edit it again below.")
gettext_noop("The {name} “{obj}” was changed successfully. You may add another {name} below.")
gettext_noop("The {name} “{obj}” was changed successfully.")
gettext_noop(
    "Items must be selected in order to perform actions on them. No items have been changed."
)
gettext_noop("No action selected.")
gettext_noop("The %(name)s “%(obj)s” was deleted successfully.")
gettext_noop("%(name)s with ID “%(key)s” doesn’t exist. Perhaps it was deleted?")
gettext_noop("Add %s")
gettext_noop("Change %s")
gettext_noop("View %s")
gettext_noop("Database error")
ngettext_lazy(
    "%(count)s %(name)s was changed successfully.",
    "%(count)s %(name)s were changed successfully.",
    "count",
)
ngettext_lazy("%(total_count)s selected", "All %(total_count)s selected", "count")
gettext_noop("0 of %(cnt)s selected")
gettext_noop("Change history: %s")
gettext_noop("%(class_name)s %(instance)s")
gettext_noop(
    "Deleting %(class_name)s %(instance)s would require deleting the following protected related objects: %(related_objects)s"  # noqa: E501
)
gettext_noop("Django site admin")
gettext_noop("Django administration")
gettext_noop("Site administration")
gettext_noop("Log in")
gettext_noop("%(app)s administration")
gettext_noop("Page not found")
gettext_noop("We’re sorry, but the requested page could not be found.")
# also django-import-export, django-celery-beat
gettext_noop("Home")
gettext_noop("Server error")
gettext_noop("Server error (500)")
gettext_noop("Server Error <em>(500)</em>")
gettext_noop(
    "There’s been an error. It’s been reported to the site administrators via email and should be fixed shortly. Thanks for your patience."  # noqa: E501
)
gettext_noop("Run the selected action")
gettext_noop("Go")
gettext_noop("Click here to select the objects across all pages")
gettext_noop("Select all %(total_count)s %(module_name)s")
gettext_noop("Clear selection")
gettext_noop("Breadcrumbs")
gettext_noop("Models in the %(name)s application")
gettext_noop("Model name")
gettext_noop("Add link")
gettext_noop("Change or view list link")
gettext_noop("Add")
gettext_noop("View")
gettext_noop("You don’t have permission to view or edit anything.")
gettext_noop("After you’ve created a user, you’ll be able to edit more user options.")
gettext_noop("Error:")
gettext_noop("Change password")
# also django.contrib.auth
gettext_noop("Set password")
ngettext_lazy("Please correct the error below.", "Please correct the errors below.", "count")
gettext_noop("Enter a new password for the user <strong>%(username)s</strong>.")
gettext_noop(
    "This action will <strong>enable</strong> password-based authentication for this user."
)
gettext_noop("Disable password-based authentication")
gettext_noop("Enable password-based authentication")
gettext_noop("Skip to main content")
gettext_noop("Welcome,")
gettext_noop("View site")
gettext_noop("Documentation")
gettext_noop("Log out")
gettext_noop("Add %(name)s")
gettext_noop("History")
gettext_noop("View on site")
gettext_noop("Filter")
gettext_noop("Hide counts")
gettext_noop("Show counts")
gettext_noop("Clear all filters")
gettext_noop("Remove from sorting")
gettext_noop("Sorting priority: %(priority_number)s")
gettext_noop("Toggle sorting")
gettext_noop("Toggle theme (current theme: auto)")
gettext_noop("Toggle theme (current theme: light)")
gettext_noop("Toggle theme (current theme: dark)")
gettext_noop(
    "Deleting the %(object_name)s '%(escaped_object)s' would result in deleting related objects, but your account doesn't have permission to delete the following types of objects:"  # noqa: E501
)
gettext_noop(
    "Deleting the %(object_name)s '%(escaped_object)s' would require deleting the following protected related objects:"  # noqa: E501
)
gettext_noop(
    'Are you sure you want to delete the %(object_name)s "%(escaped_object)s"? All of the following related items will be deleted:'  # noqa: E501
)
gettext_noop("Objects")
gettext_noop("Yes, I’m sure")
gettext_noop("No, take me back")
gettext_noop(
    "Deleting the selected %(objects_name)s would result in deleting related objects, but your account doesn't have permission to delete the following types of objects:"  # noqa: E501
)
gettext_noop(
    "Deleting the selected %(objects_name)s would require deleting the following protected related objects:"  # noqa: E501
)
gettext_noop(
    "Are you sure you want to delete the selected %(objects_name)s? All of the following objects and their related items will be deleted:"  # noqa: E501
)
gettext_noop("Delete?")
gettext_noop(" By %(filter_title)s ")
gettext_noop("Summary")
gettext_noop("Recent actions")
gettext_noop("My actions")
gettext_noop("None available")
gettext_noop("Added:")
gettext_noop("Changed:")
gettext_noop("Deleted:")
gettext_noop("Unknown content")
gettext_noop(
    "Something’s wrong with your database installation. Make sure the appropriate database tables have been created, and make sure the database is readable by the appropriate user."  # noqa: E501
)
gettext_noop(
    "You are authenticated as %(username)s, but are not authorized to access this page. Would you like to login to a different account?"  # noqa: E501
)
gettext_noop("Forgotten your login credentials?")
gettext_noop("Toggle navigation")
gettext_noop("Sidebar")
gettext_noop("Start typing to filter…")
gettext_noop("Filter navigation items")
gettext_noop("Date/time")
gettext_noop("User")
gettext_noop("Action")
ngettext_lazy("entry", "entries", "count")
gettext_noop(
    "This object doesn’t have a change history. It probably wasn’t added via this admin site."
)
gettext_noop("Show all")
gettext_noop("Save")
gettext_noop("Popup closing…")
gettext_noop("Search")
ngettext_lazy("%(counter)s result", "%(counter)s results", "count")
gettext_noop("%(full_result_count)s total")
gettext_noop("Save as new")
gettext_noop("Save and add another")
gettext_noop("Save and continue editing")
gettext_noop("Save and view")
gettext_noop("Close")
gettext_noop("Change selected %(model)s")
gettext_noop("Add another %(model)s")
gettext_noop("Delete selected %(model)s")
gettext_noop("View selected %(model)s")
gettext_noop("Thanks for spending some quality time with the web site today.")
gettext_noop("Log in again")
# also django.contrib.auth
gettext_noop("Password change")
gettext_noop("Your password was changed.")
gettext_noop(
    "Please enter your old password, for security’s sake, and then enter your new password twice so we can verify you typed it in correctly."  # noqa: E501
)
gettext_noop("Change my password")
# also django.contrib.auth
gettext_noop("Password reset")
gettext_noop("Your password has been set.  You may go ahead and log in now.")
gettext_noop("Password reset confirmation")
gettext_noop("Please enter your new password twice so we can verify you typed it in correctly.")
gettext_noop("New password:")
gettext_noop("Confirm password:")
gettext_noop(
    "The password reset link was invalid, possibly because it has already been used.  Please request a new password reset."  # noqa: E501
)
gettext_noop(
    "We’ve emailed you instructions for setting your password, if an account exists with the email you entered. You should receive them shortly."  # noqa: E501
)
gettext_noop(
    "If you don’t receive an email, please make sure you’ve entered the address you registered with, and check your spam folder."  # noqa: E501
)
gettext_noop(
    "You're receiving this email because you requested a password reset for your user account at %(site_name)s."  # noqa: E501
)
gettext_noop("Please go to the following page and choose a new password:")
gettext_noop("In case you’ve forgotten, you are:")
gettext_noop("Thanks for using our site!")
gettext_noop("The %(site_name)s team")
gettext_noop(
    "Forgotten your password? Enter your email address below, and we’ll email instructions for setting a new one."  # noqa: E501
)
gettext_noop("Email address:")
gettext_noop("Reset my password")
gettext_noop("Select all objects on this page for an action")
gettext_noop("All dates")
gettext_noop("Select %s")
gettext_noop("Select %s to change")
gettext_noop("Select %s to view")
gettext_noop("Date:")
gettext_noop("Time:")
gettext_noop("Lookup")
gettext_noop("Currently:")
gettext_noop("Change:")

# --- django.contrib.auth (django/contrib/auth/locale) ------------------------------------------
gettext_noop("Personal info")
gettext_noop("Permissions")
gettext_noop("Important dates")
gettext_noop("%(name)s object with primary key %(key)r does not exist.")
gettext_noop("Conflicting form data submitted. Please try again.")
gettext_noop("Password changed successfully.")
gettext_noop("Password-based authentication was disabled.")
gettext_noop("Change password: %s")
gettext_noop("Set password: %s")
gettext_noop("Authentication and Authorization")
gettext_noop("password")
gettext_noop("last login")
gettext_noop("Invalid password format or unknown hashing algorithm.")
gettext_noop("No password set.")
gettext_noop("Reset password")
gettext_noop("The two password fields didn’t match.")
gettext_noop("Password")
gettext_noop("Password confirmation")
gettext_noop("Enter the same password as before, for verification.")
gettext_noop(
    "Whether the user will be able to authenticate using a password or not. If disabled, they may still be able to authenticate using other backends, such as Single Sign-On or LDAP."  # noqa: E501
)
gettext_noop("Password-based authentication")
# also django-celery-beat
gettext_noop("Enabled")
gettext_noop("Disabled")
gettext_noop("Raw passwords are not stored, so there is no way to see the user’s password.")
gettext_noop("Enable password-based authentication for this user by setting a password.")
gettext_noop(
    "Please enter a correct %(username)s and password. Note that both fields may be case-sensitive."
)
gettext_noop("This account is inactive.")
gettext_noop("Email")
gettext_noop("New password")
gettext_noop("New password confirmation")
gettext_noop("Your old password was entered incorrectly. Please enter it again.")
gettext_noop("Old password")
gettext_noop("algorithm")
gettext_noop("iterations")
gettext_noop("salt")
gettext_noop("hash")
gettext_noop("variety")
gettext_noop("version")
gettext_noop("memory cost")
gettext_noop("time cost")
gettext_noop("parallelism")
gettext_noop("work factor")
gettext_noop("checksum")
gettext_noop("block size")
gettext_noop("name")
gettext_noop("codename")
gettext_noop("permission")
gettext_noop("permissions")
gettext_noop("group")
gettext_noop("groups")
gettext_noop("superuser status")
gettext_noop("Designates that this user has all permissions without explicitly assigning them.")
gettext_noop(
    "The groups this user belongs to. A user will get all permissions granted to each of their groups."  # noqa: E501
)
gettext_noop("user permissions")
gettext_noop("Specific permissions for this user.")
gettext_noop("username")
gettext_noop("Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.")
gettext_noop("A user with that username already exists.")
gettext_noop("first name")
gettext_noop("last name")
gettext_noop("email address")
gettext_noop("staff status")
gettext_noop("Designates whether the user can log into this admin site.")
gettext_noop("active")
gettext_noop(
    "Designates whether this user should be treated as active. Unselect this instead of deleting accounts."  # noqa: E501
)
gettext_noop("date joined")
gettext_noop("users")
ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "count",
)
ngettext_lazy(
    "Your password must contain at least %(min_length)d character.",
    "Your password must contain at least %(min_length)d characters.",
    "count",
)
gettext_noop("The password is too similar to the %(verbose_name)s.")
gettext_noop("Your password can’t be too similar to your other personal information.")
gettext_noop("This password is too common.")
gettext_noop("Your password can’t be a commonly used password.")
gettext_noop("This password is entirely numeric.")
gettext_noop("Your password can’t be entirely numeric.")
gettext_noop("Password reset on %(site_name)s")
gettext_noop(
    "Enter a valid username. This value may contain only unaccented lowercase a-z and uppercase A-Z letters, numbers, and @/./+/-/_ characters."  # noqa: E501
)
gettext_noop(
    "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters."  # noqa: E501
)
gettext_noop("Logged out")
gettext_noop("Password reset sent")
gettext_noop("Enter new password")
gettext_noop("Password reset unsuccessful")
gettext_noop("Password reset complete")
gettext_noop("Password change successful")

# --- django.contrib.contenttypes (app and model names, seen in permission lists) ---------------
gettext_noop("Content Types")
gettext_noop("content types")

# --- django.contrib.sessions (app and model names, seen in permission lists) -------------------
gettext_noop("Sessions")
gettext_noop("session")
gettext_noop("sessions")

# --- django-import-export (admin import/export screens) ----------------------------------------
gettext_noop("Import")
gettext_noop("%s through import_export")
gettext_noop("Import finished: {} new, {} updated, {} deleted and {} skipped {}.")
gettext_noop(
    "%(exc_name)s encountered while trying to read file. Ensure you have chosen the correct format for the file."  # noqa: E501
)
gettext_noop(
    "No valid data to import. Ensure your file has the correct headers or data for import."
)
gettext_noop("Export")
gettext_noop("Export selected %(verbose_name_plural)s")
gettext_noop("export failed due to IllegalCharacterError")
gettext_noop("Resource")
gettext_noop("Format")
gettext_noop("File to import")
gettext_noop('Select at least 1 field for "%(resource_name)s" to export')
ngettext_lazy("Export %(len)s selected item.", "Export %(len)s selected items.", "count")
gettext_noop("This exporter will export the following fields: ")
gettext_noop("Select all")
gettext_noop("Submit")
gettext_noop(
    "Below is a preview of data to be imported. If you are satisfied with the results, click 'Confirm import'"  # noqa: E501
)
gettext_noop("Confirm import")
gettext_noop("Errors")
gettext_noop("Line number")
gettext_noop("Some rows failed to validate")
gettext_noop(
    "Please correct these errors in your data where possible, then reupload it using the form above."  # noqa: E501
)
gettext_noop("Row")
gettext_noop("Non field specific")
gettext_noop("Preview")
gettext_noop("New")
gettext_noop("Skipped")
gettext_noop("Update")
gettext_noop("This importer will import the following fields: ")
gettext_noop("Value could not be parsed.")

# --- django-celery-beat (periodic task admin) --------------------------------------------------
gettext_noop("Task (registered)")
gettext_noop("Task (custom)")
gettext_noop("Need name of task")
gettext_noop("Only one can be set, in expires and expire_seconds")
gettext_noop("Unable to parse JSON: %s")
gettext_noop("Schedule")
gettext_noop("Arguments")
gettext_noop("Execution Options")
gettext_noop("Enable selected tasks")
ngettext_lazy("{0} task was successfully enabled", "{0} tasks were successfully enabled", "count")
gettext_noop("Disable selected tasks")
ngettext_lazy("{0} task was successfully disabled", "{0} tasks were successfully disabled", "count")
gettext_noop("Toggle activity of selected tasks")
ngettext_lazy("{0} task was successfully toggled", "{0} tasks were successfully toggled", "count")
gettext_noop("Run selected tasks")
gettext_noop("Periodic Tasks Using This Schedule")
gettext_noop("Periodic Tasks")
gettext_noop("Days")
gettext_noop("Hours")
gettext_noop("Minutes")
gettext_noop("Seconds")
gettext_noop("Microseconds")
gettext_noop("Day")
gettext_noop("Hour")
gettext_noop("Minute")
gettext_noop("Second")
gettext_noop("Microsecond")
gettext_noop("Astronomical dawn")
gettext_noop("Civil dawn")
gettext_noop("Nautical dawn")
gettext_noop("Astronomical dusk")
gettext_noop("Civil dusk")
gettext_noop("Nautical dusk")
gettext_noop("Solar noon")
gettext_noop("Sunrise")
gettext_noop("Sunset")
gettext_noop("Solar Event")
gettext_noop("The type of solar event when the job should run")
gettext_noop("Latitude")
gettext_noop("Run the task when the event happens at this latitude")
gettext_noop("Longitude")
gettext_noop("Run the task when the event happens at this longitude")
gettext_noop("solar event")
gettext_noop("solar events")
gettext_noop("Number of Periods")
gettext_noop("Number of interval periods to wait before running the task again")
gettext_noop("Interval Period")
gettext_noop("The type of period between task runs (Example: days)")
gettext_noop("interval")
gettext_noop("intervals")
gettext_noop("every {}")
gettext_noop("every {} {}")
gettext_noop("Clock Time")
gettext_noop("Run the task at clocked time")
gettext_noop("clocked")
gettext_noop("Minute(s)")
gettext_noop('Cron Minutes to Run. Use "*" for "all". (Example: "0,30")')
gettext_noop("Hour(s)")
gettext_noop('Cron Hours to Run. Use "*" for "all". (Example: "8,20")')
gettext_noop("Day(s) Of The Month")
gettext_noop('Cron Days Of The Month to Run. Use "*" for "all". (Example: "1,15")')
gettext_noop("Month(s) Of The Year")
gettext_noop('Cron Months (1-12) Of The Year to Run. Use "*" for "all". (Example: "1,12")')
gettext_noop("Day(s) Of The Week")
gettext_noop(
    'Cron Days Of The Week to Run. Use "*" for "all", Sunday is 0 or 7, Monday is 1. (Example: "0,5")'  # noqa: E501
)
gettext_noop("Cron Timezone")
gettext_noop("Timezone to Run the Cron Schedule on. Default is UTC.")
gettext_noop("crontab")
gettext_noop("crontabs")
gettext_noop("periodic task track")
gettext_noop("periodic task tracks")
gettext_noop("Name")
gettext_noop("Short Description For This Task")
gettext_noop(
    'The Name of the Celery Task that Should be Run.  (Example: "proj.tasks.import_contacts")'
)
gettext_noop("Interval Schedule")
gettext_noop(
    "Interval Schedule to run the task on.  Set only one schedule type, leave the others null."
)
gettext_noop("Crontab Schedule")
gettext_noop(
    "Crontab Schedule to run the task on.  Set only one schedule type, leave the others null."
)
gettext_noop("Solar Schedule")
gettext_noop(
    "Solar Schedule to run the task on.  Set only one schedule type, leave the others null."
)
gettext_noop("Clocked Schedule")
gettext_noop(
    "Clocked Schedule to run the task on.  Set only one schedule type, leave the others null."
)
gettext_noop("Positional Arguments")
gettext_noop('JSON encoded positional arguments (Example: ["arg1", "arg2"])')
gettext_noop("Keyword Arguments")
gettext_noop('JSON encoded keyword arguments (Example: {"argument": "value"})')
gettext_noop("Queue Override")
gettext_noop("Queue defined in CELERY_TASK_QUEUES. Leave None for default queuing.")
gettext_noop("Exchange")
gettext_noop("Override Exchange for low-level AMQP routing")
gettext_noop("Routing Key")
gettext_noop("Override Routing Key for low-level AMQP routing")
gettext_noop("AMQP Message Headers")
gettext_noop("JSON encoded message headers for the AMQP message.")
gettext_noop("Priority")
gettext_noop(
    "Priority Number between 0 and 255. Supported by: RabbitMQ, Redis (priority reversed, 0 is highest)."  # noqa: E501
)
gettext_noop("Expires Datetime")
gettext_noop("Datetime after which the schedule will no longer trigger the task to run")
gettext_noop("Expires timedelta with seconds")
gettext_noop("Timedelta with seconds which the schedule will no longer trigger the task to run")
gettext_noop("One-off Task")
gettext_noop("If True, the schedule will only run the task a single time")
gettext_noop("Start Datetime")
gettext_noop("Datetime when the schedule should begin triggering the task to run")
gettext_noop("Set to False to disable the schedule")
gettext_noop("Last Run Datetime")
gettext_noop(
    "Datetime that the schedule last triggered the task to run. Reset to None if enabled is set to False."  # noqa: E501
)
gettext_noop("Total Run Count")
gettext_noop("Running count of how many times the schedule has triggered the task")
gettext_noop("Last Modified")
gettext_noop("Datetime that this PeriodicTask was last modified")
gettext_noop("Description")
gettext_noop("Detailed description about the details of this Periodic Task")
gettext_noop("periodic task")
gettext_noop("periodic tasks")
