# Formatting data for the admin UI (src/format.rs), after CLDR; keys as in en-GB/format.ftl.

## Numbers
number-decimal = ,
number-group = {"\u00A0"}
number-min-grouping = 1

## Money
money-pattern = { $amount }{"\u00A0"}{ $symbol }
currency-local = CZK
currency-local-symbol = Kč

## Numeric dates, UTC (CLDR pattern letters)
date-short = d. M. y
datetime-short = d. M. y HH:mm
month-year = MMM y
month-short-1 = led
month-short-2 = úno
month-short-3 = bře
month-short-4 = dub
month-short-5 = kvě
month-short-6 = čvn
month-short-7 = čvc
month-short-8 = srp
month-short-9 = zář
month-short-10 = říj
month-short-11 = lis
month-short-12 = pro
