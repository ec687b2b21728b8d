# Formatting data for the admin UI (src/format.rs), after CLDR; keys as in en-GB/format.ftl.

## Numbers
number-decimal = ,
number-group = {"\u00A0"}
number-min-grouping = 1

## Money
money-pattern = { $symbol }{ $amount }
currency-local = CRC
currency-local-symbol = ₡

## Numeric dates, UTC (CLDR pattern letters)
date-short = d/M/y
datetime-short = d/M/y, HH:mm
month-year = MMM y
month-short-1 = ene
month-short-2 = feb
month-short-3 = mar
month-short-4 = abr
month-short-5 = may
month-short-6 = jun
month-short-7 = jul
month-short-8 = ago
month-short-9 = sept
month-short-10 = oct
month-short-11 = nov
month-short-12 = dic
