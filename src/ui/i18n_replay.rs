// The Record & replay window's words: key => English, Simplified Chinese.
// Included by i18n.rs. Placeholders are {name}; keep them in every language.
catalogue! {
    TrReplay;
    Window => "Record & replay", "录制与回放";
    RecordHeading => "Record", "录制";
    RecordIntro => "A recording is the log's export as JSON Lines: every message with its time, QoS, retain flag and MQTT 5 properties. Filter the log to what you want (topic, direction, text), then save it.", "录制文件就是日志导出的 JSON Lines：每条消息及其时间、QoS、保留标志和 MQTT 5 属性。先按需筛选日志（主题、方向、文本），再保存。";
    SaveRecording => "Save the log as a recording…", "将日志保存为录制文件…";
    ReplayHeading => "Replay", "回放";
    ReplayIntro => "Sends a recording from this tab's connection in the recorded order with the recorded timing (or faster), as `topicscope replay` does. What was published by this app is left out.", "从此标签页的连接按录制的顺序和时间间隔（或更快）发送录制文件，与 `topicscope replay` 相同。本应用自己发布的消息不会重放。";
    Choose => "Choose recording…", "选择录制文件…";
    ChooseTitle => "Choose a recording (JSON Lines)", "选择录制文件（JSON Lines）";
    NoRecording => "No recording chosen.", "未选择录制文件。";
    Recording => "{file}: {n} {n|message|messages} over {secs} s", "{file}：{n} 条消息，历时 {secs} 秒";
    Speed => "Speed ×", "速度 ×";
    Fastest => "As fast as possible", "尽可能快";
    MaxRate => "At most (msg/s, empty: no limit)", "上限（条/秒，留空不限）";
    Prefix => "Topic prefix", "主题前缀";
    Times => "Times", "次数";
    Forever => "Loop until stopped", "循环直到停止";
    Start => "Start replay", "开始回放";
    BadRate => "The rate must be a number of messages per second above 0, not '{text}'.", "速率必须是大于 0 的每秒消息数，而不是“{text}”。";
    BadPrefix => "The topic prefix cannot be used: {error}", "无法使用该主题前缀：{error}";
    Running => "Replaying {topic}: {sent} / {target} sent, {rate} msg/s", "正在回放 {topic}：已发送 {sent} / {target}，{rate} 条/秒";
    Ended => "Replay of {topic}: {sent} / {target} sent", "{topic} 的回放：已发送 {sent} / {target}";
    Late => "sent late by median {median} ms, p99 {p99} ms, max {max} ms", "发送延迟中位数 {median} 毫秒，p99 {p99} 毫秒，最大 {max} 毫秒";
}
