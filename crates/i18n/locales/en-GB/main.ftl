# MoodleManagement texts in British English. This is the fallback locale: every key lives here.
# To add a language, copy this folder to locales/<tag>/ (e.g. nl-NL) and translate its files.

## Dates (format_date): "7 December 2026"
date-long = { $day } { $month } { $year }
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

## Certificate (PDF)
cert-title = Certificate of Completion
cert-certifies-that = This is to certify that
cert-has-completed = has successfully completed the course
cert-hours = { $hours ->
    [one] { $hours } hour of training
   *[other] { $hours } hours of training
}
cert-completed-on = Completed on
cert-issued-on = Issued on
cert-valid-until = Valid until
cert-number = Certificate no.
cert-verify = Check that this certificate is genuine at

## Email
mail-subject = Your certificate for { $course }
mail-greeting = Dear { $name },
mail-body = Congratulations on completing { $course }. Your certificate, number { $number }, is attached to this email.
mail-download = You can also download it from the link below until { $until }.
mail-verify = Anyone you share it with can check that it is genuine here:
mail-signoff =
    Kind regards,
    { $issuer }
mail-superseded = This replaces certificate { $old }.
mail-revoked-subject = Your certificate for { $course } has been revoked
mail-revoked-body = We are writing to let you know that certificate { $number } for { $course } has been revoked and is no longer valid. Reason: { $reason }

## Public verification page
verify-title = Certificate verification
verify-status-valid = This certificate is valid.
verify-status-revoked = This certificate was revoked on { $date }. Reason: { $reason }
verify-status-superseded = This certificate has been replaced by a newer one, number { $number }.
verify-status-expired = This certificate expired on { $date }.
verify-status-unknown = We could not find a certificate with this number. Please check it and try again.
verify-field-learner = Awarded to
verify-field-course = Course
verify-field-hours = Hours
verify-field-number = Certificate number
verify-field-completed = Completed on
verify-field-issued = Issued on
verify-field-valid-until = Valid until
verify-field-version = Version
verify-field-issuer = Issued by
verify-upload-label = Have a copy of the PDF? Upload it to check that it matches our records.
verify-upload-button = Check the PDF
verify-upload-identical = The file you uploaded is identical to the certificate we issued.
verify-upload-different = The file you uploaded does not match the certificate we issued. It may have been altered.
verify-linkedin = Add to LinkedIn
verify-credential = Download the verifiable credential
verify-signature-ok = The digital signature is valid.
verify-signature-bad = The digital signature could not be verified.
verify-upload-unreadable = The file could not be read. Upload the certificate as one PDF of at most 5 MB.
verify-rate-limited = Too many checks from your connection. Please wait a minute and try again.

## Progress
progress-lag-note = Completion is computed by Moodle's scheduled tasks, so it can lag by one cron cycle.
verify-field-seal = Seal
