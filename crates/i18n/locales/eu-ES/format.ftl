# Formatting data for the admin UI (src/format.rs), after CLDR; keys as in en-GB/format.ftl.

## Numbers
number-decimal = ,
number-group = .
number-min-grouping = 1

## Money
money-pattern = { $amount }{"\u00A0"}{ $symbol }
currency-local = EUR
currency-local-symbol = €

## Numeric dates, UTC (CLDR pattern letters)
date-short = y/M/d
datetime-short = y/M/d HH:mm
month-year = y MMM
month-short-1 = urt.
month-short-2 = ots.
month-short-3 = mar.
month-short-4 = api.
month-short-5 = mai.
month-short-6 = eka.
month-short-7 = uzt.
month-short-8 = abu.
month-short-9 = ira.
month-short-10 = urr.
month-short-11 = aza.
month-short-12 = abe.
