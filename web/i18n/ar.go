package i18n

var ar = Messages{}
