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
date-short = dd.MM.y
datetime-short = dd.MM.y, HH:mm
month-year = MMM y
month-short-1 = Jan.
month-short-2 = Feb.
month-short-3 = März
month-short-4 = Apr.
month-short-5 = Mai
month-short-6 = Juni
month-short-7 = Juli
month-short-8 = Aug.
month-short-9 = Sept.
month-short-10 = Okt.
month-short-11 = Nov.
month-short-12 = Dez.
