# Formatting data for the admin UI (src/format.rs), after CLDR; keys as in en-GB/format.ftl.

## Numbers
number-decimal = ,
number-group = {"\u00A0"}
number-min-grouping = 2

## Money
money-pattern = { $amount }{"\u00A0"}{ $symbol }
currency-local = EUR
currency-local-symbol = €

## Numeric dates, UTC (CLDR pattern letters)
date-short = dd/MM/y
datetime-short = dd/MM/y HH:mm
month-year = MMM y
month-short-1 = jan.
month-short-2 = fev.
month-short-3 = mar.
month-short-4 = abr.
month-short-5 = mai.
month-short-6 = jun.
month-short-7 = jul.
month-short-8 = ago.
month-short-9 = set.
month-short-10 = out.
month-short-11 = nov.
month-short-12 = dez.
