# Дежурства: /oncall, передача смены, личные вызовы и эскалации (src/bot/render/oncall.ts).
oncall-user = пользователь {$id}
oncall-now = Дежурный
oncall-now-until = {$person} до {$until}
oncall-next = Следующий: {$person} с {$from}
oncall-override = Подмена: смену взяли через /oncall take; по графику — {$person} до {$until}
oncall-no-rota = Графика дежурств нет: задайте ONCALL_ROTA (см. docs/paging.md).
oncall-taken = {$person} взял дежурство до {$until}. Следующий: {$next}.
oncall-handover = Смена дежурного
oncall-handover-until = {$person} дежурит до {$until}.
oncall-handover-open =
    { $open ->
        [0] Следующий: {$next}. Открытых алертов нет.
       *[other] Следующий: {$next}. Открытых алертов: {$open}.
    }
oncall-unacked = никто не взял уже {$duration}
oncall-paged = Вызов дежурному
oncall-paged-step = шаг эскалации {$step} из {$steps}, {$waited}. Нажмите «Беру», чтобы взять.
oncall-escalation = Эскалация
oncall-escalation-step = шаг {$step} из {$steps}, {$waited}: {$people}
oncall-mention-oncall = дежурный {$person}
oncall-mention-operators = операторы {$people}
oncall-refused = Не удалось написать {$person} в личку (Telegram: {$error}). Нужно открыть личный чат с ботом и один раз нажать Start. Эскалация идёт дальше.
oncall-usage = Формат: /oncall или /oncall take [СРОК] — например, /oncall take 8h (90s, 30m, 8h, 2d; по умолчанию — до следующей смены)
oncall-not-a-duration = «{$text}» — не срок.
oncall-take-too-long = Взять смену можно максимум на 30d.
oncall-page-unknown = Такого вызова здесь нет.
oncall-page-acked = Взято: больше вызовов по нему не будет.
