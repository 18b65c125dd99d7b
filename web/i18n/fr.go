package i18n

var fr = Messages{}
