package i18n

var zh = Messages{}
