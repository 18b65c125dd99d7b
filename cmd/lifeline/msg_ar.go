package main

import "lifeline/web/i18n"

// msgAR is the command line's Arabic. A terminal that lays text out from
// the left shows it as written; the isolates around names (i18n.Printer.T)
// keep Latin names in their order.
var msgAR = i18n.Messages{
	"num.pct": "%.1f٪",

	"sim.samples":         "%[1]d عيّنة (البذرة %[2]s)، وخسارة السعة محسوبة من أول %[3]d؛ السعة المفقودة: المتوسط [مجال ثقة 95%%]",
	"sim.samples.all":     "%[1]d عيّنة (البذرة %[2]s)؛ السعة المفقودة: المتوسط [مجال ثقة 95%%]",
	"sim.place":           "المكان %[1]s (%[2]s، %[3]s): %[4]s، احتمال الانقطاع %[5]s، وتعطّل %[6]s/%[7]s من كابلاته",
	"sim.place.reachable": "يمكن الوصول إليه",
	"sim.place.cutoff":    "منقطع",
	"sim.failed":          "المتعطّل: الكابلات %[1]d، المقاطع %[2]d، نقاط الإنزال %[3]d، الوصلات البرية %[4]d، البلدان المقطوعة عن الشبكة %[5]d",
	"sim.head":            "البلد\tالاسم\tيمكن الوصول إليه\tاحتمال الانقطاع\tالسعة المفقودة\tالدوائر المفقودة (أسوأ منطقة)\tالكابلات المتعطّلة\tالسكان\tالسكان × الخسارة\t",
	"sim.yes":             "نعم",
	"sim.no":              "لا",
	"sim.none":            "لا يتأثر أي بلد",
	"sim.more":            i18n.Plural{Arg: 1, Zero: "… ولا بلدان متأثرة أخرى", One: "… وبلد متأثر واحد آخر (\u200e--top 0 أو \u200e--json للجميع)", Two: "… وبلدان متأثران آخران (\u200e--top 0 أو \u200e--json للجميع)", Few: "… و%d بلدان متأثرة أخرى (\u200e--top 0 أو \u200e--json للجميع)", Many: "… و%d بلدًا متأثرًا آخر (\u200e--top 0 أو \u200e--json للجميع)", Other: "… و%d بلد متأثر آخر (\u200e--top 0 أو \u200e--json للجميع)"},
	"sim.people":          "السكان × الخسارة قيمة مكافئة وليست عدد المنقطعين عن الاتصال: ١٠٠ مليون شخص يفقدون عُشر السعة يُحسبون ١٠ ملايين",
	"sim.ases.only":       "simulate: الحدث %d \u200f(ases) يعمل على مستوى الأنظمة المستقلة فقط؛ أضف \u200e--asrel FILE لتشغيله",
	"sim.err.formats":     "\u200e--json و\u200e--geojson: اختر أحدهما",
	"sim.err.samples":     "\u200e--samples و\u200e--flow-samples: المطلوب صفر أو أكثر",
	"sim.err.country":     "\u200e--as-country يخدم مستوى الأنظمة المستقلة: أضف \u200e--asrel FILE أيضًا",
	"sim.err.geojson":     "\u200e--geojson يعرض مستوى الكابلات فقط: احذف \u200e--asrel أو استخدم \u200e--json",
	"sim.err.asrel":       "\u200e--asrel: الحدث %[1]d \u200f(%[2]s) يحتاج إلى \u200e--as-country FILE لمعرفة شبكات البلد",
	"err.asof":            "\u200e--as-of: المطلوب سنة مثل ٢٠٠٨، والموجود %s",
	"assess.err.rank":     "\u200e--rank لا يقبل بلدانًا",

	"assess.profile":     "%[1]s \u200f(%[2]s)  الدرجة %[3]d/١٠٠  [N-1 %[4]s، N-2 %[5]s، السعة %[6]s، المواقع %[7]s]",
	"assess.inputs":      "  المدخلات: أرقام السعة %[1]s منشورة، و%[2]s مقدّرة، و%[3]s مفترضة (بحسب Gbit/s)",
	"assess.hub":         "  محور من محاور قلب الإنترنت",
	"assess.unreachable": "  لا مسار إلى القلب حتى دون أي عطل",
	"assess.cables":      "  الكابلات (%[1]d): %[2]s",
	"assess.stations":    "  محطات الإنزال: %[1]d في %[2]d موقع متميّز",
	"assess.flow":        "  أقصى تدفق إلى القلب: %[1]s Gbit/s \u200f(%[2]s kbit/s للشخص)",
	"assess.cutsoff":     "%s (يعزله)",
	"assess.loss":        "%[1]s \u200f(−%[2]s)",
	"assess.depends":     "  يعتمد على: %s",
	"assess.n1.none":     "  N-1: لا خسارة منفردة تعزله",
	"assess.n1":          "  N-1: كل واحد من هذه يعزله بمفرده:",
	"assess.critical":    "  حرجة للسعة (كل واحد بمفرده يكلّف أكثر من %s):",
	"assess.to.core":     "    %[1]s: \u200e−%[2]s من سعته إلى القلب",
	"assess.to.region":   "    %[1]s: \u200e−%[2]s من دوائره إلى %[3]s",
	"assess.n2.none":     "  N-2: لا زوج من الخسائر يعزله (خارج مجموعة N-1)",
	"assess.n2":          i18n.Plural{Arg: 1, Zero: "  N-2: لا أزواج تعزله:", One: "  N-2: زوج واحد يعزله:", Two: "  N-2: زوجان يعزلانه:", Few: "  N-2: %d أزواج تعزله:", Many: "  N-2: %d زوجًا يعزله:", Other: "  N-2: %d زوج يعزله:"},
	"assess.n2.more":     "    … و%d غيرها (\u200e--json للجميع)",
	"assess.score.head":  "البلد\tالاسم\tالدرجة\tالكابلات\tالمواقع\tN-1\tN-2\tGbit/s\t",
	"assess.rank.head":   "النوع\tالمعرّف\tالسكان المعزولون\tالبلدان",

	// simulate, the AS level
	"as.head":           "مستوى الأنظمة المستقلة: %[1]s نظامًا، و%[2]s وصلة مزوّد-عميل، و%[3]s وصلة نظير",
	"as.failed":         "المتعطّل: %s من الأنظمة المستقلة",
	"as.failed.shut":    "المتعطّل: %[1]s من الأنظمة المستقلة؛ المقطوعة: %[2]s",
	"as.lost":           "المفقود: %[1]s زوجًا مرتّبًا من الأنظمة العاملة (%[2]s)؛ %[3]s نظامًا يفقد وجهة واحدة على الأقل، منها %[4]s تحت الأنظمة المتعطّلة",
	"as.countries.head": "البلد\tالاسم\tالأنظمة\tالمتعطّلة\tالمتأثرة\tالمعزولة\tالحصة المفقودة\t",
	"as.countries.more": i18n.Plural{Arg: 1, Zero: "… ولا بلدان أخرى", One: "… وبلد واحد آخر (\u200e--json للجميع)", Two: "… وبلدان آخران (\u200e--json للجميع)", Few: "… و%d بلدان أخرى (\u200e--json للجميع)", Many: "… و%d بلدًا آخر (\u200e--json للجميع)", Other: "… و%d بلد آخر (\u200e--json للجميع)"},
	"as.none":           "لا تفقد أي شبكة مسارًا",
	"as.networks":       "الشبكات الأكثر خسارة (تحت: مساراتها الصاعدة مرّت بشبكة متعطّلة)",
	"as.networks.head":  "AS\tالبلد\tالمفقود\tالحصة\tتحت\tالمزوّدون المتعطّلون\t",
	"as.networks.more":  "… و%[1]s أخرى في \u200e--json؛ و%[2]s أخرى تفقد كل منها أقل من %[3]s من البقية (%[4]s على الأكثر)",

	// simulate, demand
	"sim.demand":        "الطلب: يستخدم %[1]s %[2]s من السعة الدولية (%[3]s)؛ يتبقى %[4]s نحو القلب: %[5]s",
	"sim.demand.enough": "كافية",
	"sim.demand.short":  "غير كافية",
}
