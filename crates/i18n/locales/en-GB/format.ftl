# Formatting data for the admin UI (src/format.rs), after CLDR. Every locale has these keys.

## Numbers: 1,234.5
number-decimal = .
number-group = ,
# CLDR minimumGroupingDigits: with 2, 1234 stays ungrouped and 12,345 is grouped.
number-min-grouping = 1

## Money: { $amount } is the formatted number, { $symbol } the currency symbol or ISO code.
money-pattern = { $symbol }{ $amount }
# The currency written with a local symbol; EUR is always €, any other code shows as the code.
currency-local = GBP
currency-local-symbol = £

## Numeric dates, UTC. CLDR pattern letters: d/dd day, M/MM month, MMM short month name,
## y year, HH:mm time; text in '…' is literal.
date-short = dd/MM/y
datetime-short = dd/MM/y, HH:mm
month-year = MMM y
month-short-1 = Jan
month-short-2 = Feb
month-short-3 = Mar
month-short-4 = Apr
month-short-5 = May
month-short-6 = Jun
month-short-7 = Jul
month-short-8 = Aug
month-short-9 = Sept
month-short-10 = Oct
month-short-11 = Nov
month-short-12 = Dec
