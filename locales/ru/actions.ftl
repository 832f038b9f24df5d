# Деплои и откаты (src/bot/features/deploy.ts, rollback.ts, render/actions.ts,
# action-reporter.ts). $title — уже оформленное «<b>Деплой</b> <code>REF</code>».
action-kind-deploy = Деплой
action-kind-rollback = Откат
# Вид действия внутри фразы.
action-noun-deploy = деплой
action-noun-rollback = откат
action-button-confirm = Подтвердить
action-button-cancel = Отменить
action-button-rollback = Откатить на {$ref}
action-pending =
    🚀 {$title}: запросил {$name}.
    Подтвердите в течение {$ttl}.
action-two-person = Подтвердить должен другой оператор (принцип четырёх глаз).
action-running = ⏳ {$title}: идёт уже {$elapsed}
action-running-confirmed = ⏳ {$title}: идёт уже {$elapsed}, подтвердил {$name}
action-outcome-succeeded = ✅ успешно
action-outcome-failed = ❌ ошибка
action-outcome-timed_out = ⏱ таймаут (группа процессов остановлена)
action-outcome-interrupted = ⚠️ прерван
action-finished = {$outcome}: {$title} за {$duration} ({$exit})
action-exit-code = код {$code}
action-exit-signal = сигнал {$signal}
action-reported-commit = коммит {$commit}
action-reported-previous = до этого {$previous}
action-log-attached = Полный лог во вложении.
action-log-caption = Вывод: {$kind} {$ref}
action-expired = ⌛ Истекло: {$title} не подтвердили вовремя.
action-interrupted = ⚠️ {$title} прерван: бот остановился во время выполнения. Повторно не запускался — проверьте сервер, прежде чем запускать снова.
action-verify-healthy = 💚 {$title}: API в норме через {$waited}.
action-verify-unhealthy = 🔴 {$title}: API не в норме и через {$waited}.
action-verify-unhealthy-why = 🔴 {$title}: API не в норме и через {$waited} ({$detail}).
action-verify-offer = Откатить на {$ref}?
action-verify-no-target = Откатывать не на что: успешных деплоев до этого не было.
action-busy = ⛔ Занято: {$title}, запустил {$name}. Одновременно — только одно действие.
action-busy-since = ⛔ Занято: {$title}, запустил {$name}, идёт с {$since} ({$age}). Одновременно — только одно действие.

# Отказы: ничего не запущено и не сохранено.
action-bad-ref = ⛔ Отказ: ref {$problem}. Ничего не запущено.
action-ref-shape = должен быть из 1–100 символов A-Z a-z 0-9 . _ / - и начинаться с буквы или цифры
action-ref-dot_dot = не должен содержать ".."
action-ref-double_slash = не должен содержать "//"
action-ref-bad_end = не должен заканчиваться на "/", "." или ".lock"
action-ref-dot_part = ни одна часть не должна начинаться с "."
action-script-unset = ⚙️ Не настроен {$kind}: не задан {$variable}. Ничего не сохранено.
action-script-not_executable = ⚙️ Не настроен {$kind}: {$variable} — не исполняемый файл. Ничего не сохранено.

# Ответы на нажатие «Подтвердить», «Отменить», «Откатить» (всплывающие, без разметки).
action-confirmed = Подтверждено, запускаю.
action-cancelled = Отменено.
action-cancelled-by = ✖️ {$name} отменил: {$kind} {$ref}.
action-refusal-unknown = Такого действия здесь нет.
action-refusal-wrong_message = Эта кнопка не от этого действия.
action-refusal-same_operator = Принцип четырёх глаз: подтвердить должен другой оператор.
action-refusal-expired = Запрос истёк. Отправьте команду ещё раз.
action-refusal-not_pending = Это действие уже обработано.
action-no-rollback-target = Откатывать не на что: успешных деплоев раньше не было.

# Диалог /rollback.
rollback-picker = На какой деплой откатить? (сверху новые; /cancel — выйти)
rollback-target-before = {$ref} (до {$deploy})
rollback-list-closed = Этот список уже закрыт.
rollback-operators-only = Откатывать могут только операторы.
rollback-cancelled = Откат отменён.
rollback-to = Откатываю на {$ref}.
rollback-cancel-done = Отменено.
rollback-cancel-nothing = Нечего отменять.

# /history: колонки таблицы, вид и состояние действия в ней.
history-empty = Деплоев и откатов пока не было.
history-title = Последние деплои и откаты
history-col-when = когда
history-col-what = что
history-col-ref = ref
history-col-commit = коммит
history-col-result = итог
history-col-took = длилось
history-col-by = кто / подтвердил
history-state-pending = ждёт
history-state-running = идёт
history-state-succeeded = успешно
history-state-failed = ошибка
history-state-timed_out = таймаут
history-state-interrupted = прерван
history-state-cancelled = отменён
history-state-expired = истёк
