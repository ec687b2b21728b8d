# Formatting data for the admin UI (src/format.rs), after CLDR; keys as in en-GB/format.ftl.

## Numbers
number-decimal = ,
number-group = {"\u202F"}
number-min-grouping = 1

## Money
money-pattern = { $amount }{"\u00A0"}{ $symbol }
currency-local = EUR
currency-local-symbol = €

## Numeric dates, UTC (CLDR pattern letters)
date-short = dd/MM/y
datetime-short = dd/MM/y HH:mm
month-year = MMM y
month-short-1 = janv.
month-short-2 = févr.
month-short-3 = mars
month-short-4 = avr.
month-short-5 = mai
month-short-6 = juin
month-short-7 = juil.
month-short-8 = août
month-short-9 = sept.
month-short-10 = oct.
month-short-11 = nov.
month-short-12 = déc.
