# /report и еженедельная сводка (src/bot/render/report.ts).
report-usage = Использование: /report [7d|30d] — сводка дежурств за последние 7 дней (по умолчанию) или 30 дней.
report-title = { $days ->
    [7] Сводка дежурств за 7 дней
   *[other] Сводка дежурств за { $days } дней
}
report-window = { $from } — { $to }
report-pages = { $pages ->
    [one] { $pages } вызов дежурного, в нерабочее время: { $outside }
    [few] { $pages } вызова дежурного, в нерабочее время: { $outside }
   *[many] { $pages } вызовов дежурного, в нерабочее время: { $outside }
}
report-working-hours = рабочее время: 09:00–19:00 по будням, { $zone }
report-incidents = { $incidents ->
    [one] { $incidents } инцидент
    [few] { $incidents } инцидента
   *[many] { $incidents } инцидентов
}
report-mtta = MTTA (вызов → ack): p50 { $p50 }, p90 { $p90 } · подтверждено: { $count }
report-mttr = MTTR (срабатывание → восстановление): p50 { $p50 }, p90 { $p90 } · восстановлено: { $count }
report-none = —
report-noisiest-kinds = Самые шумные типы (сколько раз срабатывали)
report-noisiest-alerts = Самые шумные алерты
report-flapping = Флапали
report-flapping-line = { $times ->
    [one] флапал { $times } раз
    [few] флапал { $times } раза
   *[many] флапал { $times } раз
}
report-silences = Самые долгие действующие сайленсы
report-silence-line = до { $until } ({ $length }), поставил { $who }
report-nothing = нет
report-chart-title = Вызовы дежурного по дням ({ $zone })
report-chart-unit = вызовы
report-chart-caption = Вызовы дежурного по дням за последние { $days } дней
