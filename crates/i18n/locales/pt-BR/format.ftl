# Formatting data for the admin UI (src/format.rs), after CLDR; keys as in en-GB/format.ftl.

## Numbers
number-decimal = ,
number-group = .
number-min-grouping = 1

## Money
money-pattern = { $symbol }{"\u00A0"}{ $amount }
currency-local = BRL
currency-local-symbol = R$

## Numeric dates, UTC (CLDR pattern letters)
date-short = dd/MM/y
datetime-short = dd/MM/y HH:mm
month-year = MMM 'de' y
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
