package i18n

var ru = Messages{}
