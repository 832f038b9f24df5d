# Флапающие алерты (src/bot/render/flapping.ts): в группу алертов, на языке BOT_LOCALE.
flapping-title = { $count ->
    [one] Флапает { $count } алерт
    [few] Флапают { $count } алерта
   *[many] Флапают { $count } алертов
}
flapping-explain = Сообщения о срабатывании и восстановлении придержим, пока алерт час не простоит в одном состоянии.
flapping-firing = { $changes ->
    [one] { $changes } смена состояния за час, сейчас горит
    [few] { $changes } смены состояния за час, сейчас горит
   *[many] { $changes } смен состояния за час, сейчас горит
}
flapping-resolved = { $changes ->
    [one] { $changes } смена состояния за час, сейчас в норме
    [few] { $changes } смены состояния за час, сейчас в норме
   *[many] { $changes } смен состояния за час, сейчас в норме
}
settled-title = { $count ->
    [one] Перестал флапать { $count } алерт
    [few] Перестали флапать { $count } алерта
   *[many] Перестали флапать { $count } алертов
}
settled-explain = Час в одном состоянии: сообщения снова идут как обычно.
settled-firing = горит уже { $duration }
settled-resolved = в норме уже { $duration }
