# Durations, ages, times and sizes (src/i18n/formatters.ts).
duration-seconds = {$s}s
duration-minutes = {$m}m
duration-hours = {$h}h {$m}m
duration-days = {$d}d {$h}h
age-ago = {$duration} ago
age-in = in {$duration}
age-never = never
# Numbers arrive as strings: the year must not be written "2,030".
date-time = {$year}-{$month}-{$day} {$time} {$zone}
size-b = {$n} B
size-kb = {$n} KB
size-mb = {$n} MB
size-gb = {$n} GB
size-tb = {$n} TB
