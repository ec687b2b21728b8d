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
date-short = d/M/y
datetime-short = d/M/y, HH:mm
month-year = MMM y
month-short-1 = gen.
month-short-2 = febr.
month-short-3 = març
month-short-4 = abr.
month-short-5 = maig
month-short-6 = juny
month-short-7 = jul.
month-short-8 = ag.
month-short-9 = set.
month-short-10 = oct.
month-short-11 = nov.
month-short-12 = des.
