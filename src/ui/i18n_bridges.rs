// The broker panel's bridges: key => English, Simplified Chinese.
// Included by i18n.rs. Placeholders are {name}; keep them in every language.
catalogue! {
    TrBridge;
    Heading => "Bridges", "桥接";
    Intro => "Connections from this broker to others, written as in mosquitto.conf: connection NAME, address HOST:PORT, topic PATTERN in|out|both QOS LOCAL_PREFIX REMOTE_PREFIX, remote_username, remote_password, cleansession, notifications, bridge_cafile…", "本代理到其他代理的连接，写法同 mosquitto.conf：connection 名称、address 主机:端口、topic 模式 in|out|both QoS 本地前缀 远端前缀、remote_username、remote_password、cleansession、notifications、bridge_cafile……";
    None => "No bridges", "无桥接";
    Connected => "connected", "已连接";
    NotConnected => "not connected: {problem}", "未连接：{problem}";
    Connecting => "connecting…", "正在连接……";
    Carried => "in {in} · out {out} · not carried out {dropped}", "入 {in} · 出 {out} · 未转出 {dropped}";
}
