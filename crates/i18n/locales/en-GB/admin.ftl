# The web admin. Every page, label and message people read there.

## Navigation and frame
nav-skip = Skip to content
nav-label = Main
nav-dashboard = Dashboard
nav-enrolments = Enrolments
nav-jobs = Jobs
nav-certificates = Certificates
nav-audit = Audit log
nav-users = Users
search-label = Search invoices, learners and courses
search-placeholder = Invoice number, email, name or course
search-submit = Search
sign-out = Sign out
me-language = Language
me-language-save = Change language
role-admin = Administrator
role-operator = Operator
role-viewer = Viewer

## Signing in
login-title = Sign in
login-email = Email
login-password = Password
login-submit = Sign in
login-error-credentials = Wrong email or password.
login-error-csrf = This form had expired. Please sign in again.
login-error-throttled = Too many failed attempts. Try again in { $minutes ->
    [one] one minute
   *[other] { $minutes } minutes
}.
login-no-users = Nobody can sign in yet. On the server, run: moodle-management user add --role admin your@email

## Errors
error-internal-title = Something went wrong
error-internal-message = The page could not be built; the service log says why.
error-forbidden-title = Not allowed
error-forbidden-message = Your role does not allow this. Ask an administrator.
error-csrf-title = This form has expired
error-csrf-message = Go back, reload the page and try again.
error-not-found-title = Not found
error-not-found-message = There is nothing at this address.
error-bad-request-title = This request cannot be done
error-bad-request-message = Something in it is missing or wrong:

## Shared table columns and filters
col-learner = Learner
col-site = Site
col-course = Course
col-status = Status
col-actions = Actions
col-number = Number
col-issued = Issued
col-standing = Standing
col-when = When
col-who = Who
col-action = Action
col-object = On
col-detail = Detail
col-email = Email
col-role = Role
col-desired = Should be
col-in-moodle = In Moodle
col-cause = Because of
col-job = Job
filter-apply = Filter

## Dashboard

## Enrolments
enrolments-count = { $count ->
    [one] one enrolment
   *[other] { $count } enrolments
}
enrolments-holds = Invoice lines held or ignored

## Jobs
jobs-title = Jobs
jobs-queued = Queued
jobs-running = Running
jobs-dead = Parked
jobs-mail-queued = Mails queued
jobs-mail-dead = Mails parked
jobs-paused-site = Site { $site } is paused
jobs-paused-waiting = { $count ->
    [one] One job waits for it.
   *[other] { $count } jobs wait for it.
}
jobs-fix = How to fix:
jobs-failing = Failing jobs
jobs-none-failing = No job is failing.
jobs-error-and-fix = Error and how to fix it
jobs-status-dead = Parked
jobs-status-retrying = Retrying
jobs-retry = Retry
jobs-discard = Discard
jobs-retry-all = Retry all parked jobs…
jobs-discard-all = Discard all parked jobs…
jobs-confirm-retry = { $count ->
    [one] Retry one parked job?
   *[other] Retry { $count } parked jobs?
}
jobs-confirm-discard = { $count ->
    [one] Discard one parked job?
   *[other] Discard { $count } parked jobs?
}
jobs-confirm = Yes, do it
jobs-cancel = Cancel
jobs-done = { $count ->
    [one] One job done.
   *[other] { $count } jobs done.
}

## Certificates
certificates-title = Certificates
certificates-none = No certificate yet.
certificates-download = Download
certificates-verify = Verification page
certificates-resend = Send again
certificates-reissue = Re-issue
certificates-revoke = Revoke
certificates-revoke-note = Why revoke it
certificates-done-revoke = The certificate was revoked; the learner is told by mail.
certificates-done-resend = The certificate's mail is queued again.
certificates-done-reissue = A new version was issued; it replaces the previous one.
standing-valid = Valid
standing-revoked = Revoked
standing-superseded = Replaced
standing-expired = Expired

## Audit log
audit-title = Audit log
audit-search = Search
audit-operators = What people did
audit-moodle = What we changed in Moodle
audit-none = Nothing yet.

## Users
users-title = Users
users-disabled = Disabled
users-enabled = Active
users-disable = Disable
users-enable = Enable
users-save-role = Save role
users-add = Add a user
users-add-submit = Add user
users-password = Password (at least 12 characters)
users-error-invalid-email = That is not an email address.
users-error-email-taken = A user with that email exists already.
users-error-weak-password = The password is too short: use at least 12 characters.
users-error-no-such-user = There is no such user.
users-error-last-admin = This is the last active administrator: make another user administrator first.
users-error-internal = Something went wrong; the service log says why.

## Search and an invoice's story
search-title = Search
search-empty-query = Type an invoice number, a learner's email or name, or a course.
search-none = Nothing matches “{ $query }”.
col-invoice = Invoice
invoice-title = Invoice { $number }
invoice-paid = Paid
invoice-unpaid = Not paid
invoice-deleted = Deleted in the billing system
invoice-problems = What is wrong now
invoice-timeline = What happened
invoice-no-courses = This invoice grants no course.
invoice-job = job { $job }
story-seen = Invoice seen
story-paid = Paid
story-learner-matched = Learner matched to their Moodle account
story-learner-created = Learner's Moodle account created
story-enrolled = Enrolled
story-suspended = Access suspended
story-reactivated = Access reactivated
story-updated = Enrolment dates updated
story-unenrolled = Unenrolled
story-changed = Changed in Moodle
story-change-failed = Moodle refused a change
story-progress = Progress
story-completed = Course completed
story-certificate-issued = Certificate issued
story-certificate-revoked = Certificate revoked
story-emailed = Certificate emailed

## Plan, drift and sites
nav-plan = Plan
nav-drift = Drift
nav-sites = Moodle sites
plan-intro = What the next pass would change in Moodle, and why. Nothing here is done yet.
plan-nothing = Moodle matches the invoices: the next pass changes nothing.
plan-change-enrol = Enrol
plan-change-update = Update dates
plan-change-suspend = Suspend
plan-change-reactivate = Reactivate
plan-change-unenrol = Unenrol
drift-intro = Read every mapped course in Moodle now: enrolments changed by hand are queued to be put right, and enrolments no invoice pays for are listed.
drift-run = Check Moodle now
drift-read = { $courses ->
    [one] One course read
   *[other] { $courses } courses read
}
drift-repaired = Changed in Moodle, being put right
drift-unexpected = In Moodle, but no invoice pays for it
drift-errors = Courses that could not be read
sites-url = Address
sites-origin = Where it is set
sites-declared-in-config = Declared in config.toml (read-only here)
sites-test = Test connection

## Webhook deliveries
nav-deliveries = Webhooks
deliveries-none = No webhook delivery received yet.
deliveries-source = Source
deliveries-id = Delivery
deliveries-body = Content
deliveries-show-body = Show
deliveries-applied = Applied
deliveries-waiting = Waiting
deliveries-reapply = Apply again

## Mappings and seats
nav-mappings = Products
nav-seats = Seats
mappings-intro = Which course each product sold grants. Declared in config.toml: change them there and restart the service.
mappings-none = No product is mapped to a course: paid invoices grant nothing until one is.
mappings-product = Product
mappings-duration = Access
mappings-group = Group
mappings-days = { $days ->
    [one] one day
   *[other] { $days } days
}
mappings-no-end = No end
seats-assign = Assign a seat
seats-line = Line
seats-name = Learner's name
seats-assign-submit = Assign
seats-release = Release
seats-none = No seat is assigned.

## Dashboard
dashboard-all-sites = All sites
dashboard-from = From
dashboard-to = To
dashboard-card-revenue = Course revenue
dashboard-card-learners = Active learners
dashboard-card-pending = Enrolments pending
dashboard-card-completions = Completions
dashboard-card-certificates = Certificates issued
dashboard-card-jobs-failing = Jobs failing
dashboard-card-mails-failing = Mails failing
dashboard-sources = Invoice sources
dashboard-last-progress = Last progress read
dashboard-last-poll = Last successful poll
dashboard-backlog = Jobs waiting
dashboard-paused = Paused
dashboard-reachable = Working
dashboard-chart-empty = Nothing in this period.
dashboard-chart-enrolments = Enrolments per month
dashboard-chart-status = Enrolments by status
dashboard-chart-progress = Learners by progress
dashboard-chart-completions = Completions per month
dashboard-chart-certificates = Certificates per month
dashboard-chart-top-revenue = Top courses by revenue
dashboard-chart-top-learners = Top courses by learners
dashboard-status-active = Active
dashboard-status-suspended = Suspended
dashboard-status-revoked = Revoked
dashboard-status-removed = Removed
dashboard-status-none = None

## Enrolment list
filter-any = Any
enrolments-export = Export all as CSV
enrolments-job-pending = Waiting
enrolments-job-failing = Failing
enrolments-job-dead = Parked
enrolments-job-settled = Done
pagination-label = Pages
pagination-previous = Previous
pagination-next = Next
pagination-page = Page { $page }
