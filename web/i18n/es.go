package i18n

var es = Messages{}
