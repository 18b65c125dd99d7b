package main

import "lifeline/web/i18n"

// msgZH is the command line's Chinese (simplified characters).
var msgZH = i18n.Messages{
	"num.pct": "%.1f%%",

	"sim.samples":         "%[1]d 次抽样（种子 %[2]s），容量损失按前 %[3]d 次计算；容量损失：均值 [95%% 区间]",
	"sim.samples.all":     "%[1]d 次抽样（种子 %[2]s）；容量损失：均值 [95%% 区间]",
	"sim.place":           "地点 %[1]s（%[2]s，%[3]s）：%[4]s，p(断连) %[5]s，其电缆故障 %[6]s/%[7]s 条",
	"sim.place.reachable": "可达",
	"sim.place.cutoff":    "断连",
	"sim.failed":          "失效：海缆 %[1]d 条，区段 %[2]d 个，登陆点 %[3]d 个，陆地链路 %[4]d 条，断网国家 %[5]d 个",
	"sim.head":            "国家\t名称\t可达\tp(断开)\t容量损失\t电路损失（最严重地区）\t失效海缆\t人口\t人口 × 损失\t",
	"sim.yes":             "是",
	"sim.no":              "否",
	"sim.none":            "没有国家受到影响",
	"sim.more":            i18n.Plural{Arg: 1, Other: "……另有 %d 个受影响的国家（--top 0 或 --json 显示全部）"},
	"sim.people":          "人口 × 损失是一个等效值，并非断网人数：1 亿人失去十分之一的容量计为 1000 万",
	"sim.ases.only":       "simulate：事件 %d（ases）仅作用于 AS 层面；请提供 --asrel 文件以运行它",
	"sim.err.formats":     "--json 与 --geojson：只能选择其一",
	"sim.err.samples":     "--samples 与 --flow-samples：应为 0 或更大",
	"sim.err.country":     "--as-country 用于 AS 层面：请同时提供 --asrel 文件",
	"sim.err.geojson":     "--geojson 只显示海缆层面：请去掉 --asrel，或使用 --json",
	"sim.err.asrel":       "--asrel：事件 %[1]d（%[2]s）需要 --as-country 文件才能知道该国的网络",
	"err.asof":            "--as-of：应为年份，例如 2008，实际为 %s",
	"assess.err.rank":     "--rank 不接受国家参数",

	"assess.profile":     "%[1]s（%[2]s）  评分 %[3]d/100  [N-1 %[4]s，N-2 %[5]s，容量 %[6]s，站点 %[7]s]",
	"assess.inputs":      "  输入：容量数据 %[1]s 为公布值，%[2]s 为估计值，%[3]s 为假定值（按 Gbit/s 计）",
	"assess.hub":         "  互联网核心的枢纽",
	"assess.unreachable": "  即使没有任何故障，也没有通往核心的路径",
	"assess.cables":      "  海缆（%[1]d 条）：%[2]s",
	"assess.stations":    "  登陆站 %[1]d 个，分布于 %[2]d 个不同站点",
	"assess.flow":        "  通往核心的最大流量：%[1]s Gbit/s（每人 %[2]s kbit/s）",
	"assess.cutsoff":     "%s（会断开）",
	"assess.loss":        "%[1]s（−%[2]s）",
	"assess.depends":     "  依赖：%s",
	"assess.n1.none":     "  N-1：任何单一损失都不会使其断开",
	"assess.n1":          "  N-1：以下每一项单独失效都会使其断开：",
	"assess.critical":    "  容量关键项（每项单独失效的损失超过 %s）：",
	"assess.to.core":     "    %[1]s：通往核心的容量 −%[2]s",
	"assess.to.region":   "    %[1]s：通往 %[3]s 的电路 −%[2]s",
	"assess.n2.none":     "  N-2：没有任何一对损失会使其断开（N-1 集合之外）",
	"assess.n2":          i18n.Plural{Arg: 1, Other: "  N-2：%d 对损失会使其断开："},
	"assess.n2.more":     "    ……另有 %d 对（--json 显示全部）",
	"assess.score.head":  "国家\t名称\t评分\t海缆\t站点\tN-1\tN-2\tGbit/s\t",
	"assess.rank.head":   "类型\tid\t断网人口\t国家",

	// simulate, the AS level
	"as.head":           "AS 层面：%[1]s 个 AS，%[2]s 条提供商—客户链路，%[3]s 条对等链路",
	"as.failed":         "失效：%s 个 AS",
	"as.failed.shut":    "失效：%[1]s 个 AS；断网：%[2]s",
	"as.lost":           "损失：%[1]s 对在用 AS 的有序对（%[2]s）；%[3]s 个 AS 至少失去一个目的地，其中 %[4]s 个位于失效 AS 之下",
	"as.countries.head": "国家\t名称\tAS\t失效\t受影响\t断开\t损失比例\t",
	"as.countries.more": i18n.Plural{Arg: 1, Other: "……另有 %d 个国家（--json 显示全部）"},
	"as.none":           "没有网络失去路径",
	"as.networks":       "损失最大的网络（之下：其向上的路径经过失效网络）",
	"as.networks.head":  "AS\t国家\t损失\t比例\t之下\t失效的提供商\t",
	"as.networks.more":  "……另有 %[1]s 个列于 --json；另有 %[2]s 个各自损失不到其他网络的 %[3]s（最多 %[4]s）",

	// simulate, demand
	"sim.demand":        "需求：%[1]s 使用 %[2]s 国际带宽（%[3]s）；通往核心剩余 %[4]s：%[5]s",
	"sim.demand.enough": "足够",
	"sim.demand.short":  "不足",
}
