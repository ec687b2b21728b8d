# Formatting data for the admin UI (src/format.rs), after CLDR; keys as in en-GB/format.ftl.

## Numbers
number-decimal = ,
number-group = {"\u00A0"}
number-min-grouping = 2

## Money
money-pattern = { $amount }{"\u00A0"}{ $symbol }
currency-local = PLN
currency-local-symbol = zł

## Numeric dates, UTC (CLDR pattern letters)
date-short = d.MM.y
datetime-short = d.MM.y, HH:mm
month-year = MMM y
month-short-1 = sty
month-short-2 = lut
month-short-3 = mar
month-short-4 = kwi
month-short-5 = maj
month-short-6 = cze
month-short-7 = lip
month-short-8 = sie
month-short-9 = wrz
month-short-10 = paź
month-short-11 = lis
month-short-12 = gru
