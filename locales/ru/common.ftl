# Длительности, «сколько назад», время и размеры (src/i18n/formatters.ts).
duration-seconds = {$s} с
duration-minutes = {$m} мин
duration-hours = {$h} ч {$m} мин
duration-days = {$d} д {$h} ч
age-ago = {$duration} назад
age-in = через {$duration}
age-never = никогда
date-time = {$day}.{$month}.{$year} {$time} {$zone}
size-b = {$n} Б
size-kb = {$n} КБ
size-mb = {$n} МБ
size-gb = {$n} ГБ
size-tb = {$n} ТБ
