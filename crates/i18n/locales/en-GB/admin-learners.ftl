# The learners pages of the web admin: the list and one learner's page.

nav-learners = Learners
learners-search-label = Email or name
learners-search = Search
learners-count = { $count ->
    [one] One learner
   *[other] { $count } learners
}
learners-none = No learner matches.
learners-col-name = Name
learners-col-courses = Courses
learners-col-active = Active
learners-col-updated = Last change
learner-title = Learner { $email }
learner-accounts = Moodle accounts
learner-no-accounts = No Moodle account yet.
learner-moodle-id = Moodle user id
learner-account-how = How
learner-account-created = Created by us
learner-account-matched = Existing account matched
learner-since = Since
learner-enrolments = Courses
learner-no-enrolments = No course.
learner-access = Access
learner-progress = Progress
learner-percent = { $percent } %
learner-completed = completed on { $date }
learner-grade = grade { $grade }
learner-certificates = Certificates
learner-no-certificates = No certificate.
learner-certificate-revoked = Revoked
learner-invoices = Invoices
learner-no-invoices = No invoice.
learner-history = Changes in Moodle
learner-no-history = Nothing changed in Moodle yet.
