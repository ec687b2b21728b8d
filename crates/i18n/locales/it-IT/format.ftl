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
date-short = dd/MM/y
datetime-short = dd/MM/y, HH:mm
month-year = MMM y
month-short-1 = gen
month-short-2 = feb
month-short-3 = mar
month-short-4 = apr
month-short-5 = mag
month-short-6 = giu
month-short-7 = lug
month-short-8 = ago
month-short-9 = set
month-short-10 = ott
month-short-11 = nov
month-short-12 = dic
