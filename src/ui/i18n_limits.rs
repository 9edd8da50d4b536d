// The broker panel's limits: key => English, Simplified Chinese.
// Included by i18n.rs. Placeholders are {name}; keep them in every language.
catalogue! {
    TrLimits;
    Heading => "Limits", "限制";
    Intro => "What one client may take: past a limit the broker refuses or drops, counts it below and in $SYS.", "单个客户端可占用的资源：超出限制时代理拒绝或丢弃，并在下方和 $SYS 中计数。";
    MaxKeepAlive => "Max keep-alive (s, 65535: none)", "最大保活时间（秒，65535 为不限）";
    MaxKeepAliveHint => "MQTT 5 clients asking for more (or 0) are told this in the CONNACK; 3.1.1 clients asking for more are refused (mosquitto's max_keepalive)", "请求更长（或 0）的 MQTT 5 客户端会在 CONNACK 中收到此值；请求更长的 3.1.1 客户端会被拒绝（同 mosquitto 的 max_keepalive）";
    MaxInflight => "Max in-flight per client", "每客户端最大未确认消息数";
    MaxQueued => "Max queued per session", "每会话最大排队消息数";
    MaxSubscriptions => "Max subscriptions per client", "每客户端最大订阅数";
    MaxSessionExpiry => "Max session expiry (s)", "最大会话过期时间（秒）";
    MaxRetained => "Max retained messages", "最大保留消息数";
    MaxRetainedBytes => "Max retained bytes", "保留消息最大字节数";
    AllowedOrigins => "Other web pages allowed", "允许的其他网页来源";
    AllowedOriginsHint => "Origins such as https://dashboard.example, comma-separated. Pages served from this machine and clients that are not browsers always connect; pages from other sites are refused, so a site you visit cannot reach the broker through your browser.", "如 https://dashboard.example，以逗号分隔。本机提供的网页和非浏览器客户端总可连接；其他站点的网页会被拒绝，防止你访问的网站通过浏览器连接代理。";
    TopicAliases => "MQTT 5 topic aliases (0: off)", "MQTT 5 主题别名数（0 为关闭）";
    TopicAliasesHint => "How many aliases clients may use, and the broker uses towards clients that allow them: a repeated topic then travels as two bytes", "客户端可使用的别名数，以及代理对允许别名的客户端使用的别名数：重复的主题只需两个字节传输";
    Dropped => "Dropped (queue full · expired · refused)", "已丢弃（队列满 · 过期 · 被拒绝）";
    Retained => "Retained kept · not kept", "已保留 · 未保留";
}
