"""简体中文 catalogue: the same keys as `en.py`, every `{placeholder}` kept (checked by tests/test_i18n.py).

Terms as in Chinese lecture notes on RNNs: 遗忘门 / 输入门 / 输出门 (LSTM), 重置门 / 更新门 (GRU), 候选值,
细胞状态, 隐藏状态, 时间步, 梯度消失 / 梯度爆炸, 梯度裁剪, 随时间反向传播 (BPTT), 双向, 编码器 / 解码器;
cell = 循环单元, unit = 神经元 (隐藏单元 for the hidden size's units); 堆叠 only for stacked layers (gate blocks are
拼接); cue = 线索符号; trivial baseline = 朴素基线; clamp = 固定. tests/test_i18n_terms.py checks these.
"""
from __future__ import annotations

ZH: dict[str, str] = {
    # app and pages
    "app.title": "cellviz",
    "app.tagline": "看清循环单元的内部：每个门、每个状态、每个梯度，逐个时间步展示。",
    "page.cell": "第 t 步的循环单元",
    "page.over_time": "随时间变化",
    "page.gradients": "梯度流",
    "page.units": "文本与神经元",
    "page.compare": "循环单元对比",
    # sidebar: model
    "model.label": "模型",
    "model.help": "从模型库中选一个训练好的模型，或上传你自己的循环网络模块。",
    "model.upload": "上传你自己的模型（.pt / .safetensors）",
    "model.card": "{cell} · {io} · {task} · {layers} 层 · 隐藏维度 {hidden}{bi} · {params} 个参数",
    "model.bi": " · 双向",
    "model.metric": "{metric}：{value}（朴素基线 {baseline}）",
    "model.load_failed": "无法加载模型 {name}：{reason}",
    "model.part": "部分",
    "model.part.encoder": "编码器",
    "model.part.decoder": "解码器（教师强制）",
    "model.part.recurrent": "循环层",
    "model.snapshot": "训练快照",
    "model.snapshot.final": "最终权重",
    # upload
    "upload.label": "检查点文件",
    "upload.help": "一个 .safetensors 文件或 PyTorch 的 state_dict（torch.save(model.state_dict(), path)），"
                   "其中包含 nn.RNN、nn.LSTM 或 nn.GRU，可以单独保存，也可以位于更大的模型或检查点字典之中；"
                   ".pt、.pth、.ckpt、.bin 均可：文件按内容读取，与文件名无关。",
    "upload.prompt": "上传一个检查点即可开始探索。",
    "upload.current": "正在探索“{name}”。",
    "upload.failed": "无法使用“{name}”：{reason}",
    "upload.prefix": "循环部分（前缀）",
    "upload.prefix.help": "仅当文件中含有多个循环模块时才需要填写，例如“encoder.lstm”。",
    "upload.nonlinearity": "普通 RNN 的激活函数",
    "upload.nonlinearity.help": "state_dict 无法说明 nn.RNN 用的是 tanh 还是 relu：请选择模型构建时所用的"
                                "（word_language_model 的 RNN_RELU：relu）。",
    "upload.read": "输入按 {steps} 步 × {batch} 个序列 × {inputs} 个特征读取（时间在前；"
                   "batch_first={batch_first}）{nonlinearity}。",
    "upload.read.nonlinearity": "，非线性函数 {name}",
    "upload.parts": "嵌入层“{embedding}”（{vocab:,} 个词元 × {inputs}）{head}",
    "upload.parts.head": " · 输出头“{head}”（{outputs:,} 个输出）",
    "upload.head": "输出头“{head}”（{outputs:,} 个输出）",
    "upload.target": "目标（可选）",
    "upload.target.help.class": "输出头应预测的类别：一个类别编号（0 到 {last}），对应最后一步之后；或每步一个，用空格分隔。此时 L 为对它的交叉熵。",
    "upload.target.help.value": "输出头应预测的值：一个数，对应最后一步之后；或每步一个，用空格分隔。此时 L 为对它的平方误差。",
    "upload.target.count": "目标有 {got} 项：请给出 1 项（最后一步之后）或 {steps} 项（每步一项）",
    "upload.target.not_class": "“{token}”不是输出头的类别（0 到 {last}）",
    "upload.target.not_value": "“{token}”不是数字",
    "upload.target.no_head": "此文件没有可读取目标的线性输出头：L 仍为输出之和",
    "upload.loss": "损失：{loss}",
    "upload.tokens": "词元",
    "upload.tokens.help": "0 到 {last} 的词元编号，用空格分隔；上传词表文件后，可输入文本并按词表切分。",
    "upload.tokens.unknown": "“{token}”不在词表中",
    "upload.tokens.bad_id": "“{token}”不是词元编号（0 到 {last}）；上传词表文件即可输入文本",
    "upload.vocab": "词表（可选）",
    "upload.vocab.help": "一个 JSON 词元列表，或每行一个词元，顺序与嵌入层一致。",
    "upload.vocab.bad": "无法读取词表文件：{reason}",
    "upload.pick": "这个文件中的循环模块：请选择一个",
    "upload.pick.top": "（顶层）",
    "upload.loaded": "{kind} · 输入维度 {inputs} · 隐藏维度 {hidden} · {layers} 层{bi} · {params} 个参数",
    "upload.steps_cap": "这个模块较大：输入最多 {steps} 步，使它的轨迹数据最多占用 {mb} MB。",
    "upload.too_wide": "这个模块每步读入 {got} 个输入特征；本应用最多接受 {limit} 个（每条轨迹都保存输入及其梯度）。"
                       "请在 notebook 中用 cellviz.trace 探索它。",
    "upload.gone": "服务器已不再保存这个文件（上传的文件只保留一段时间，且所有访问者共用一份额度）。请重新上传。",
    "upload.mismatch": "这个文件的内容与服务器上记录的名称不符。请重新上传。",
    # input
    "input.header": "输入",
    "input.text": "文本",
    "input.text.help": "可用字符：{choices}。最多 {max_len} 个时间步。",
    "input.series.help": "用逗号分隔的数字，最多 {max_len} 个时间步。",
    "input.sample": "换一个样本",
    "input.sample.help": "用一个新的、与留出集同分布的样本替换当前输入。",
    "input.lag": "间隔（线索符号与“?”之间的步数）",
    "input.lag.help": "补齐或截去干扰字符，使线索符号恰好位于查询之前这么多步。留空：按输入原样。",
    "input.period": "周期（步）",
    "input.amplitude": "振幅",
    "input.length": "长度（步）",
    "input.invalid": "无法使用这个输入：{reason}",
    "input.empty": "输入为空。{accepted}",
    "input.source": "输入序列",
    "input.source.random": "随机数",
    "input.source.onehot": "随机 one-hot 向量",
    "input.source.typed": "手动输入数字",
    "input.source.tokens": "输入词元",
    "input.seed": "随机种子",
    "input.numbers": "数字（每行一个时间步，每步 {width} 个数）",
    "input.numbers.help": "每一行是一个时间步，包含 {width} 个数字，用逗号或空格分隔。",
    "input.numbers.bad_line": "第 {line} 行有 {got} 个数字；这个模块每步需要 {width} 个",
    "input.numbers.not_number": "第 {line} 行：“{token}”不是数字",
    "input.numbers.not_finite": "第 {line} 行：只接受有限的数值",
    "input.too_long": "输入有 {got} 个时间步；上限是 {limit}",
    "input.prediction": "模型的预测：**{prediction}**",
    # navigation and selection
    "nav.layer": "层",
    "nav.direction": "方向",
    "nav.direction.0": "正向 →",
    "nav.direction.1": "← 反向",
    "nav.own_model": "这个页面自己构建小模型：其他页面的模型和输入会为它们保留。",
    "nav.units": "选中的神经元",
    "nav.units.help": "显示这些神经元的数值和曲线。点击热力图中的格子即可选中一个。",
    "nav.reverse_note": "反向方向从序列末尾开始读取输入；它画在同一条输入位置坐标轴上，"
                        "所以它的“上一个”状态是位置 t+1 处的状态。",
    # step control
    "step.label": "时间步 t",
    "step.help": "输入位置。键盘：← / → 逐步移动，Home / End 跳到首尾。",
    "step.prev": "", "step.prev.help": "上一步（←）",
    "step.next": "", "step.next.help": "下一步（→）",
    "step.first": "", "step.first.help": "第一步（Home）",
    "step.last": "", "step.last.help": "最后一步（End）",
    "step.play": "播放", "step.play.help": "逐步播放动画（空格）",
    "step.pause": "暂停", "step.pause.help": "停止动画（空格）",
    "step.speed": "播放速度",
    "step.rate": "每秒 {n} 步",
    "step.token": "第 {t} / {T} 步 · 输入 {token}",
    # downloads
    "download.header": "下载",
    "download.figure": "图表（HTML）",
    "download.npz": "轨迹 NPZ",
    "download.csv": "轨迹 CSV",
    "download.csv.too_big": "CSV：{rows} 行，超过可提供的 {limit} 行；NPZ 文件包含全部数值。",
    # view 1: the cell
    "cell.title": "第 {t} 步的 {kind} 循环单元 · 输入 {token}",
    "cell.equations": "公式",
    "cell.unit_numbers": "神经元 {unit} 的数值",
    "cell.quantity": "量",
    "cell.value": "数值",
    "cell.legend": "每一条色带是一个向量，每格对应一个隐藏神经元（最左边是神经元 0）；加框的格子是"
                   "神经元 {unit}。门使用 0…1 色标，tanh 类的量使用 −1…1 色标；细胞状态 c、输入 x 和激活前的值没有上下界，"
                   "各自使用按整个序列取 ±max|值| 的色标。",
    # view 2: over time
    "time.quantities": "显示的量",
    "time.selected": "已从热力图选中神经元 {unit}，时间步 {t}。",
    "time.downsampled": "为适应屏幕，热力图对每 {bt} 个时间步 × {bu} 个神经元的区块取平均。",
    "time.click_hint": "点击热力图中的格子，即可选中对应的神经元和时间步。",
    # view 3: gradients
    "grad.intro": "损失 L 对每个时间步状态的依赖程度。当 L 只位于一个时间步时（多对一：最后一步之后；反向方向则在位置 0），"
                  "离开该步后的下降就是梯度消失。当每个时间步都贡献自己的损失项时（多对多），不管模型记住了什么，曲线都比较平。",
    "grad.read.single": "**读图规则。** {loss}它只在一个时间步与状态相连，梯度从那里进入，再沿循环往回传，所以曲线随着"
                        "与该步的距离而下降。急剧下降就是梯度消失；曲线平坦说明很早以前的状态仍然起作用。",
    "grad.read.reverse": "反向（←）从末尾开始读输入，所以 L 取的是它在位置 0 的最终状态：它的曲线向右下降。",
    "grad.read.here": "在这个输入上，",
    "grad.read.numbers": "{direction}：t = {far} 处的 ‖∂L/∂h‖ 是 t = {t_star} 处的 {ratio} 倍",
    "grad.read.steps": "**读图规则。** {loss}每个有目标值的时间步都贡献自己的一项，因此每个 h_t 都直接得到梯度，"
                       "不管模型记住了什么，整个 L 的曲线都比较平：这里在 {T} 个时间步上只相差 {spread} 倍。"
                       "这不是一张梯度消失图。要看某一个预测能回溯多远，请看下面的对比（归一化）和再下一节，"
                       "它们只取当前显示的第 t 步的那一项损失。",
    "grad.scale": "梯度刻度",
    "grad.scale.help": "原始范数跟随损失的大小（训练得好的模型损失小，各处梯度也小），所以比较不同模型或不同快照的曲线时"
                       "要归一化：除以它们在损失所在步 t* 的值，在那里全都等于 1。",
    "grad.scale.normalised": "在损失所在步归一化",
    "grad.scale.raw": "原始范数",
    "grad.scale.raw.note": "原始范数：每条曲线的高低主要反映对应模型损失的大小，而不是它的记忆；请比较斜率，或切换到归一化视图。",
    "grad.scale.normalised.note": "每条曲线都除以它在 t* = {t_star}（L 与状态相连的那一步）的值，因此在那里都从 1 开始："
                                  "曲线越高，说明越早的时间步保留的梯度份额越大。",
    "grad.scale.normalised.cursor_note": "每条曲线只取当前所示时间步（t*，即光标处）那一项损失的梯度，再除以它在那里的值："
                                         "在光标处都等于 1，向左的下降显示这一个预测能回溯多远。",
    "grad.scale.normalised.step_note": "每条曲线只取第 t = {t} 步那一项损失的梯度，再除以它在 t 处的值：在那里都等于 1，"
                                       "向左的下降显示这一个预测能回溯多远。",
    "loss.last_ce": "L = 最后一步之后的交叉熵",
    "loss.last_ce.long": "L 是由最终状态预测的类别的交叉熵，在最后一步之后计算（对间隔任务来说，就是在“?”处）。",
    "loss.last_mse": "L = 最后一步之后的平方误差",
    "loss.last_mse.long": "L 是由最终状态预测的数值的平方误差，在最后一步之后计算。",
    "loss.steps_ce": "L = 各时间步的平均交叉熵",
    "loss.steps_ce.at": "L = 仅第 {t} 步的交叉熵",
    "loss.steps_ce.long": "L 是所有有目标值的时间步上交叉熵的平均。",
    "loss.steps_mse": "L = 各时间步的平均平方误差",
    "loss.steps_mse.at": "L = 仅第 {t} 步的平方误差",
    "loss.steps_mse.long": "L 是所有有目标值的时间步上平方误差的平均。",
    "loss.encoder": "L = 解码器的交叉熵，经由编码器的最终状态",
    "loss.encoder.long": "L 是教师强制下解码器在输出上的平均交叉熵；它只通过编码器的最终状态（解码器的初始状态）"
                         "到达编码器。",
    "loss.decoder": "L = 解码器各步的平均交叉熵",
    "loss.decoder.at": "L = 仅解码器第 {t} 步的交叉熵",
    "loss.decoder.long": "L 是教师强制下解码器各步交叉熵的平均。",
    "loss.sum": "L = 所有输出之和",
    "loss.sum.at": "L = 第 {t} 步的输出之和",
    "loss.sum.long": "L 是模块所有输出之和：没有输出头和目标值时，上传的模块没有真正的损失。",
    "loss.upload.long": "{loss}：文件中的线性输出头作用于模块的输出，对照你输入的目标计算。",
    "grad.reach.header": "第 t 步的预测能往回追溯多远？",
    "grad.reach.n1": "这个模型只在最后一步之后做一次预测：无论 t 取何值，这里显示的都是这次预测的敏感度。",
    "grad.reach.none": "第 {t} 步的损失没有目标值，因此没有梯度从这里回传；请选择一个有目标值的时间步。",
    "grad.compare.header": "在这个任务和这个输入上对比 RNN、LSTM 与 GRU",
    "grad.compare.none": "模型库中没有其他模型在这个任务上训练过。",
    "grad.compare.upload": "对比需要在同一任务上训练的模型库模型；上传的模块无法使用此功能。",
    # view 4: text and units
    "units.color_by": "文本着色依据",
    "units.unit": "神经元",
    "units.feature": "已知特征",
    "units.find.header": "找出追踪某个特征的神经元",
    "units.find.none": "这个任务没有已知的逐步特征；可以试试 brackets 或 sentiment 模型。",
    "units.find.best": "最佳匹配：神经元 {unit}（{quantity}），与“{feature}”的相关系数为 {r:+.2f}。",
    "units.find.constant": "“{feature}”在这个输入上是常数，没有神经元能追踪它：请换一个输入或特征。",
    "units.saturation.header": "门的饱和度",
    "units.saturation.none": "普通 RNN 没有门；这里改为显示其 tanh 的饱和情况。",
    "units.saturation.threshold": "饱和指与极限值相差不超过 {eps}。",
    # view 5: compare cells
    "compare.params.header": "参数量（从真实模块中统计）",
    "compare.params.note": "输入维度 {inputs}，隐藏维度 {hidden}，单层、单向：LSTM 的权重矩阵拼接了 4 个门块，"
                           "GRU 3 个，普通 RNN 1 个。",
    "compare.zoo.header": "模型库",
    "compare.col.name": "模型", "compare.col.cell": "循环单元", "compare.col.io": "输入/输出", "compare.col.task": "任务",
    "compare.col.layers": "层数", "compare.col.hidden": "隐藏维度", "compare.col.bidirectional": "双向",
    "compare.col.params": "总参数量",
    "compare.col.recurrent_params": "循环部分参数量",
    "compare.zoo.params_note": "“循环部分参数量”只算 RNN / LSTM / GRU 本身的权重（翻译模型算编码器加解码器），"
                               "从随附的权重文件数出；“总参数量”还包括嵌入层和输出层，它们随任务而不同。",
    "explain.params.formula": "**这些数字从哪里来。** 每个门块（普通 RNN 的一个块，LSTM 的 i、f、g、o，GRU 的 r、z、n）"
                              "都有一个输入矩阵 W_ih（H × I）、一个循环矩阵 W_hh（H × H）和两个偏置向量 b_ih、b_hh"
                              "（各 H 个）。当 I = {I}、H = {H} 时，一个门块有 H(I+H) + 2H = **{block}** 个参数。",
    "explain.params.col.cell": "循环单元",
    "explain.params.col.blocks": "门块数",
    "explain.params.col.formula": "按公式（PyTorch，两个偏置）",
    "explain.params.col.counted": "从 nn 模块数出",
    "explain.params.col.one_bias": "只用一个偏置（教程的写法）",
    "explain.params.bias": "为什么有两个偏置向量：PyTorch 计算 W_ih x + b_ih + W_hh h + b_hh，这是 NVIDIA cuDNN "
                           "内核的布局，PyTorch 为了兼容而保留。在 RNN 和 LSTM 里两个偏置总是直接相加，所以其中一个是"
                           "多余的：教程每个门块只写一个 b，即 H(I+H) + H。GRU 的 r 和 z 也是如此，但 b_hn 位于 "
                           "r ⊙ (W_hn h + b_hn) 之内，因此候选状态的两个偏置不能互换。",
    "compare.col.metrics": "测试集指标（朴素基线）",
    "compare.claims.missing": "尚未运行这项实验：`{command}` 会生成 assets/claims.json。",
    # errors
    "error.unexpected": "绘制此视图时出错：{reason}。应用的其余部分仍可正常使用；请换一个输入或模型试试。",
    # quantities
    "q.x": "x（输入）", "q.h_prev": "h（上一步）", "q.c_prev": "c（上一步）",
    "q.i": "i（输入门）", "q.f": "f（遗忘门）", "q.g": "g（候选值）", "q.o": "o（输出门）",
    "q.r": "r（重置门）", "q.z": "z（更新门）", "q.n": "n（候选值）", "q.a": "激活前的值",
    "q.tanh_c": "tanh(c)", "q.c": "c（细胞状态）", "q.h": "h（隐藏状态）",
    # the operations in the cell diagrams (hover texts)
    "op.lstm.mul_f": "f ⊙ c_{t−1}：旧细胞状态中保留下来的部分",
    "op.lstm.mul_i": "i ⊙ g：写入的内容",
    "op.lstm.add": "c_t = f ⊙ c_{t−1} + i ⊙ g",
    "op.lstm.mul_o": "h_t = o ⊙ tanh(c_t)",
    "op.gru.mul_z": "z ⊙ h_{t−1}：保留下来的部分",
    "op.gru.one_minus": "1 − z",
    "op.gru.mul_r": "r ⊙ (W_hn h_{t−1} + b_hn)：候选值中受重置门控制的部分",
    "op.gru.mul_n": "(1 − z) ⊙ n：写入的内容",
    "op.gru.add": "h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}",
    "op.rnn.act": "h_t = tanh(a_t)（或 relu）",
    # figure titles and labels (cellviz.plots)
    "plot.scale.gate": "门（0…1）",
    "plot.scale.tanh": "tanh（−1…1）",
    "plot.scale.unbounded": "无界（±{max}）",
    "plot.scale.grad": "log₁₀ ‖梯度‖",
    "plot.unit": "神经元",
    "plot.step": "时间步 t",
    "plot.position": "输入位置 k",
    "plot.value": "数值",
    "plot.click": "点击选中",
    "plot.mean": "平均值",  # the step player: a cell-diagram cell that averages several units
    "plot.block_mean": "{bt} 个时间步 × {bu} 个神经元的平均值",
    "plot.cell.title": "第 {t} 步的 {kind} 循环单元（输入“{token}”）",
    "plot.time.title": "神经元 × 时间：所有门和状态，光标位于第 t 步",
    "plot.traces.title": "选中神经元随时间的变化",
    "plot.grad.title": "梯度范数随时间的变化（对数坐标）",
    "plot.grad.norm": "梯度范数（对数）",
    "plot.reach.title_none": "第 {t} 步没有目标值：没有梯度从这里回传",
    "plot.reach.title": "第 {t} 步的预测能往回追溯多远：‖∂L/∂x_k‖",
    "plot.reach.y": "‖∂L/∂x_k‖（对数）",
    "plot.rank.title": "最能追踪“{feature}”的神经元",
    "plot.corr": "相关系数",
    "plot.corr.axis": "与“{feature}”的相关系数",
    "plot.match.title": "{unit} 与“{feature}”对照",
    "plot.sat.title": "每个神经元的门饱和度（与极限值相差不超过 {eps}）",
    "plot.sat.low": "接近 {limit}",
    "plot.sat.high": "接近 {limit}",
    "plot.sat.share": "时间步占比",
    "plot.params.title": "各类循环单元的参数量（输入维度和隐藏维度相同）",
    "plot.params": "参数量",
    "plot.cell": "循环单元类型",
    "plot.lag": "间隔（步）",
    "plot.accuracy": "准确率",
    "plot.seeds": "随机种子",
    "plot.chance": "随机猜测",
    "plot.distance": "距离（步）",
    "plot.text.title": "按 {what} 着色的输入",
    "plot.grad.h": "‖∂L/∂h_t‖", "plot.grad.c": "‖∂L/∂c_t‖",
    "plot.grad.norm_h": "‖∂L/∂h_t‖（对数）",
    "plot.grad.norm_h.normalised": "‖∂L/∂h_t‖ / ‖∂L/∂h_t*‖（对数），t* = 损失所在步",
    "plot.layer": "第 {layer} 层",
    # offline export (cellviz.export)
    "export.keys": "按键：← / → 或 PageUp / PageDown 逐步移动 · 空格 播放 / 暂停 · Home / End 跳到首尾",
    "notebook.keys": "先点击播放器（或用 Tab 键移到它上面），然后：← / → 或 PageUp / PageDown 逐步移动 · 空格 播放 / 暂停 · Home / End 跳到首尾",
    "export.input": "输入：{text}",
    "export.view": "显示{part}第 {layer} 层，{direction}。",
    "export.strip.title": "按 {what} 着色的输入；加框的词元是第 t 步",
    "export.footer": "由 cellviz {version} 导出。此文件可离线使用：无需 Python，无需网络。",
    "export.too_long": "输入有 {got} 个时间步；导出文件最多容纳 {limit} 步：请缩短输入（或调大 max_steps）",
    "export.bad_layer": "第 {layer} 层不存在：这个模型有 {n} 层，编号从 0 开始",
    "export.bad_direction": "方向 {direction} 不存在：这个模型有 {n} 个方向（0 = 正向，1 = 反向）",
    "export.bad_unit": "神经元 {unit} 不存在：隐藏维度是 {n}（神经元 0..{last}）",
    "export.bad_tokens": "{got} 个词元标签对应 {steps} 个时间步",
    "export.bad_batch": "批次元素 {batch} 不存在：输入中只有 {n} 个",
    "export.bad_part": "{name} 没有名为 {part!r} 的部分；它的部分有：{parts}",
    "export.bad_source": "请给出文本或样本编号之一，不能同时给出",
    "export.bad_lang": "没有 {lang!r} 语言的文本；可用语言：{available}",
    "export.bad_int": "选项 {name} 需要一个整数，收到的是 {value}",
    "export.bad_option": "{name} 在这里不接受选项 {options}；手动输入文本时可用的选项：{accepted}",
    "export.view.part": "{part}的",
    # issue 5: tour, presentation, links
    "lang.name": "简体中文",
    "lang.label": "语言",
    "lang.help": "所有标签、说明和图表使用的语言。",
    "site.title": "cellviz：看清循环单元的内部",
    "site.intro": "本站每个页面都在你的浏览器中运行：随附模型的轨迹在构建站点时已算好一次，逐步、播放和悬停都在这里完成，无需服务器。在下方选择模型和页面；←/→ 逐步，空格键播放。",
    "site.models": "模型及其页面",
    "site.more": "更多页面",
    "site.col.model": "模型",
    "site.col.about": "简介",
    "site.col.pages": "页面",
    "site.model": "模型",
    "site.sample": "输入",
    "site.sample_n": "样本 {n}",
    "site.part": "部分",
    "site.link.ignored": "链接中被忽略的参数（此处不可用）：{items}。",
    "site.missing": "站点构建时未包含这个视图。",
    "site.tour.explore": "在本站的页面上探索这个模型",
    "site.full_app": "这是静态站点：展示预先计算的示例。自行输入、使用你自己的检查点、干预和实时训练需在本机运行完整应用：",
    "site.exploding.grid": "预先计算好的一组设置：在上方选择 ρ、T 和 τ（应用中可用滑块取任意值）。",
    "site.units": "神经元",
    "site.units.help": "要显示的神经元，写法与应用相同：0–{max} 的数字，用逗号分隔，最多 {most} 个（或点击热图中的格子）",
    "site.units.bad": "units={value}：不是 0–{max} 的神经元（最多 {most} 个）",
    "site.typed.missing": "站点构建时未包含这个自行输入：完整应用可以追踪任何输入",
    "site.input.why": "**为什么选这个输入：**{why}",
    "site.input.tour": "导览第 {slides} 页幻灯片所用的输入，在此预先构建，使幻灯片的链接直接打开它。",
    "showcase.lag.far": "线索符号 D 位于查询前 300 步，接近模型训练过的最长间隔（320）：一个符号要穿过 299 个干扰符号。",
    "showcase.lag.near": "线索符号 B 只在查询前 5 步，处于训练间隔的短端（从 2 开始）：把它的梯度流与 300 步的输入比较。",
    "showcase.prefix.decoys": "可作线索符号的 A、C、D 作为诱饵先出现；真正的线索符号是“!”之后的 B，所以答案是 B，既不是第一个也不是最后一个出现的这类字母。",
    "showcase.prefix.far": "带标记的线索符号 C 最先出现，位于查询前 38 步，接近模型训练过的最长间隔（40）。",
    "showcase.adding.ends": "两个带标记的值是第一个和最后一个（0.9 + 0.8 = 1.7）：第一个值要跨过 18 个未标记的值被保留下来。",
    "showcase.adding.middle": "两个带标记的值在中间相邻（0.0 + 1.0 = 1.0），周围未标记的值最大到 0.9，都不应计入。",
    "showcase.brackets.deep": "嵌套 8 层，是模型认识的最大深度：深度一路数到 8，再回到 0。",
    "showcase.brackets.long": "一个括号在 36 个字母之间一直开着：深度必须保持为 1，直到末尾的“)”。",
    "showcase.sentiment.negation": "否定：“not good”是负面的，尽管“good”是正面词。",
    "showcase.sentiment.contrast": "转折：“but”之后的分句起决定作用，所以虽然前一分句说“bad”，整句仍是正面的。",
    "showcase.sentiment.gap": "隔一个词的否定：“not very dull”是正面的，因此“not”必须跨过“very”被带下去。",
    "showcase.charlm.words": "简短的常用词、空格和句号：“文本与神经元”页会在这段文本上找出最能跟随“是否在单词内”的神经元。",
    "showcase.forecast.jump": "周期为 12 的正弦在第 20 步跳到常数 2：预测要多快才能跟上这次跳变？",
    "showcase.waveform.square": "周期为 12 的方波：输出每 6 步就要翻转一次符号。",
    "showcase.waveform.long": "周期为 40 的正弦，比模型训练时的任何周期（8–24 步）都长：一个超出训练范围的输入。",
    "showcase.translate.zeros": "“two thousand five”是 2005：解码器要写出两个没有任何词说出的 0。",
    "showcase.translate.largest": "模型认识的最大数 9999：输入六个词，输出四位数字。",
    "page.tour": "导览",
    "link.ignored": "链接中有些部分无效，已被忽略（改用默认值）：{items}。",
    "tour.slide_of": "第 {k} / {n} 页",
    "tour.prev": "上一页", "tour.prev.help": "上一页（PageUp 或 ←）",
    "tour.next": "下一页", "tour.next.help": "下一页（PageDown 或 →）",
    "tour.present": "演示模式",
    "tour.present.help": "大字号、无侧边栏：只显示幻灯片和上一页 / 下一页按钮。翻页笔的 PageDown / PageUp"
                         "（或 → / ←）用于翻页；链接中会保留 ?present=1。",
    "tour.exit": "退出", "tour.exit.help": "退出演示模式，回到普通布局（Esc）",
    "tour.step": "时间步 t",
    "tour.step.help": "在输入序列上移动；图表随之更新。",
    "tour.model": "实时模型：{name} · 输入“{text}” · 模型的预测：{prediction}",
    "tour.lag": "线索符号与“?”之间的间隔",
    "tour.open": "在探索器中打开此模型",
    "tour.open.help": "用这个模型和输入打开探索器。",
    "tour.notes": "讲稿",
    "tour.presenter": "演讲者视图",
    "tour.presenter.help": "在新窗口中打开演讲者视图（给你的笔记本电脑）：缩小的当前页、下一页的标题、讲稿和时钟。"
                           "在任一窗口按 PageDown，两个窗口一起翻页。",
    "tour.presenter.next": "下一页：{title}",
    "tour.presenter.last": "最后一页。",
    "tour.presenter.clock": "时间",
    "tour.keys": "按键：PageDown / PageUp 或 → / ← 翻页。",
    "tour.missing": "模型库中没有模型 {name}，因此无法显示这一页。",
    "tour.bi.title": "5 · 双向 LSTM 从两个方向读取",
    "tour.bi.headline": "sentiment-bilstm 把“{text}”读作{prediction}。",
    "tour.bi.body": "它的输出层读取两个状态（方框）：正向在最后一个词处的 h，反向在第一个词处的 h。它们对正面的投票："
                    "正向 {vote_f}，反向 {vote_r}。实话实说：单向的 sentiment-lstm 和 -gru 在否定句上已得 {lstm_neg}、"
                    "转折句上 {lstm_con}；sentiment-bigru 为 {bigru}。",
    "tour.bi.text": "双向 LSTM 用一个 LSTM 从左往右读、另一个从右往左读，再把两者的输出拼接起来，于是每个位置都能看到"
                    "完整的上下文。在情感分析中，反向方向读到句首时，已经读过了句子后面的“not”或“but”。",
    "tour.bi.notes": "投票 = (w_正面 − w_负面) · h，取输出层权重中属于该方向的一半（logit 之差；偏置补上其余部分）。"
                     "留出集准确率，否定句 / 转折句：sentiment-lstm {lstm_neg} / {lstm_con}，sentiment-gru {gru_neg} / "
                     "{gru_con}；总体：sentiment-bilstm {bilstm}，sentiment-bigru {bigru}（{bigru_neg} / {bigru_con}）。"
                     "在这个任务上并不需要双向读取：单向模型在句末作答时已经读完了整个句子。",
    "tour.bi.figure": "{name} 的隐藏状态，正向与反向：神经元 × 词",
    "tour.bi.gru": "旁边的 sentiment-bigru（同样两个方向，换成 GRU 循环单元）把同一个句子读作 {gru_prediction}："
                   "正向投票 {gru_vote_f}，反向 {gru_vote_r}。",
    "tour.bi.readout": "读出",
    "tour.bi.forward": "正向 → 隐藏状态",
    "tour.bi.reverse": "← 反向隐藏状态",
    "tour.claims.missing": "尚未运行这项实验：`{command}` 会生成 assets/claims.json。",
    "busy": "服务器正忙于其他访问者的训练或下载：请稍后再试。",
    "download.lecture": "课堂页面（离线 HTML）",
    "download.lecture.help": "一个自包含的 HTML 文件，包含当前模型和输入，每个时间步是一帧："
                             "无需 Python、无需网络，在任何浏览器中都能播放。",
    "download.lecture.too_long": "课堂页面最多容纳 {limit} 个时间步；这个输入有 {got} 步。请缩短输入后再导出。",
    "download.lecture.snapshot": "课堂页面使用最终权重。",
    "download.lecture.failed": "无法生成课堂页面：{reason}",
    # issue 6: intervene / learn / training
    "page.intervene": "干预",
    "page.learn": "观看学习过程",
    "page.training": "回放训练过程",
    "iv.intro": "在第 t 步改变循环单元内部发生的事情，并重新运行序列的剩余部分：左边是原始运行，右边是干预后的运行。"
                "时间步和神经元由上方的控件选择。",
    "iv.kind": "干预方式",
    "iv.kind.gate": "固定一个门",
    "iv.kind.freeze": "冻结细胞状态（f = 1，i = 0）",
    "iv.kind.state": "设定一个状态",
    "iv.kind.ablate": "消融神经元",
    "iv.kind.freeze.note": "遗忘门强制为 1、输入门强制为 0：c_t = c_{t−1}，记忆保持不变。",
    "iv.kind.ablate.note": "所选神经元的 h 在序列的每一步都为 0：这些神经元被关闭。",
    "iv.gate": "门",
    "iv.gate_value": "固定为",
    "iv.state": "状态",
    "iv.value": "设为",
    "iv.value.help": "所选神经元的状态被设成的值（0 即清零）。",
    "iv.scope": "神经元",
    "iv.scope.units": "所选（{units}）",
    "iv.scope.all": "全部神经元",
    "iv.span": "何时",
    "iv.span.step": "仅在第 {t} 步",
    "iv.span.rest": "从第 {t} 步到结尾",
    "iv.no_effect": "没有影响：干预后的运行与原始运行的差别小于 float32 的舍入误差。",
    "iv.loss": "干预后的损失",
    "iv.loss.help": "模型在此输入上的损失；不干预时为 {before}。",
    "iv.pred.before": "**预测，原始：** {prediction}",
    "iv.pred.after": "**预测，干预后：** {prediction}",
    "iv.pred.none": "上传的模块没有输出头：它的损失是所有输出之和。",
    "iv.pred.decoder": "解码器每次调用只生成一步，因此不显示对它干预后的预测；（教师强制的）损失体现了影响。",
    "plot.iv.effect.title": "变化传播多远：每一步的 ‖干预后 − 原始‖",
    "plot.iv.delta": "变化（对神经元取范数）",
    "plot.iv.output": "模块输出",
    "plot.iv.original": "原始",
    "plot.iv.intervened": "干预后",
    "plot.iv.difference": "差值（干预后 − 原始）",
    "plot.iv.traces.title": "所选神经元：原始（点线）与干预后（实线）",
    "plot.epoch": "轮次",
    "plot.learn.title": "学习曲线",
    "plot.learn.loss": "训练损失",
    "plot.learn.metric": "留出集 {metric}",
    "plot.learn.baseline": "朴素基线 {value}",
    "learn.intro": "在合成任务上并排训练两个小型循环单元，逐轮观看损失、梯度流和门的形成。演示限制：隐藏维度 ≤ {hidden}，"
                   "轮数 ≤ {epochs}，每次运行 {seconds} 秒。",
    "learn.task": "任务",
    "learn.task.lag": "间隔：回忆第一个符号",
    "learn.task.brackets": "括号：嵌套深度",
    "learn.task.adding": "加法：两个标记值之和",
    "learn.task.help": "选择任务时会载入该任务建议的轮数和每轮批次数。",
    "learn.metric.accuracy": "准确率",
    "learn.metric.mse": "均方误差",
    "learn.cell_a": "循环单元 A",
    "learn.cell_b": "循环单元 B",
    "learn.hidden": "隐藏维度",
    "learn.epochs": "轮数",
    "learn.steps": "每轮批次数",
    "learn.batch": "批大小",
    "learn.lr": "学习率",
    "learn.lag": "最长间隔",
    "learn.lag.help": "间隔在 {low} 到此值之间随机抽取（最多 {limit}）。",
    "learn.length": "序列长度",
    "learn.length.help": "每个序列的步数，{low} 到 {limit}：前半段和后半段各有一个标记值；序列越长，LSTM 越久才能离开"
                         "停留在朴素基线处的平台期。",
    "learn.limit": "本演示中最多 {limit}。",
    "learn.train": "训练",
    "learn.stop": "停止训练",
    "learn.prompt": "选择两个循环单元并点击“训练”：每一轮都会重绘下面的曲线。",
    "learn.too_big": "本演示中{what}必须在 1 到 {limit} 之间（当前为 {got}）。",
    "learn.out_of_range": "本演示中{what}必须在 {low} 到 {high} 之间（当前为 {got}）。",
    "learn.refused": "未开始：{reason}",
    "learn.progress": "训练中…… 已完成 {done} / {total} 轮（两个循环单元合计）",
    "learn.stopped": "在第 {epochs} 轮后停止：已有结果被保留。",
    "learn.done": "完成：两个循环单元都已训练好。",
    "learn.time_limit": "到达时间上限（每次运行 {seconds} 秒）后结束。",
    "learn.epoch": "第 {epoch} / {epochs} 轮 · 留出集 {metric} {value}（朴素基线 {baseline}）· {seconds} 秒",
    "learn.at_epoch": "第 {epoch} 轮",
    "learn.grad.title": "‖∂L/∂h‖ 与到损失的距离",
    "learn.heat.title": "固定探测输入上的门和 h，第 {epoch} 轮",
    "training.intro": "同一个输入经过训练中保存的各个权重：移动滑块，观察门、状态和梯度流如何形成。",
    "training.none": "此模型没有训练快照。请选择带快照的模型：{models}。",
    "training.slider": "训练快照",
    "training.at_step": "训练第 {step} 步",
    "training.loss": "此快照的损失",
    "training.loss.help": "此输入上的损失；使用最终权重时为 {final}。",
    "training.prediction": "**{snapshot} 时的预测：** {prediction}",
    "training.position": "第 {k} / {n} 个快照：拖动滑块在训练过程中移动。",
    "training.heat.title": "{snapshot} 时的门和状态",
    "training.grad.title": "每个快照的梯度流 ‖∂L/∂h_t‖",
    "training.grad.note": "每个快照一条线：随着训练进行，损失能往回影响多远。",
    "training.grad.note.normalised": "在损失所在步归一化：随着模型学会，原始范数主要随损失一起下降，会掩盖曲线形状的变化。",
    "training.grad.note.raw": "原始范数：高低反映每个快照的损失（早期大，学会后小），而不是梯度能回溯多远。",
    "learn.grad.note": "下面的梯度图显示 ‖∂L/∂h_t‖ 随与最后一步的距离的变化，默认在那里归一化为 1（原始范数主要跟随"
                       "损失，而损失会随着学习下降）。括号任务每一步都有自己的损失项，所以不管记忆如何，曲线都比较平。",
    # 来自模型库的名称（任务、指标、已知特征、类别、预测）：i18n.label
    "task.lag": "间隔回忆", "task.brackets": "括号深度", "task.sentiment": "情感分类", "task.charlm": "字符级语言模型",
    "task.forecast": "时间序列预测", "task.waveform": "波形生成", "task.translate": "英文数词转数字",
    "task.adding": "加法问题",
    "task.prefix": "带前缀的间隔回忆（诱饵之后的标记线索符号）",
    "metric.accuracy": "准确率", "metric.sequence_accuracy": "序列准确率",
    "metric.bpc": "每字符比特数 (bpc)", "metric.mse": "均方误差",
    "metric.mse_after_change": "突变后的均方误差",
    "metric.accuracy_at_max_lag": "最长间隔下的准确率", "metric.accuracy_negated": "否定句准确率",
    "metric.accuracy_contrast": "转折句准确率", "metric.lexicon_accuracy": "词表法准确率",
    "metric.exact_match": "完全匹配率", "metric.digit_accuracy": "逐位准确率",
    "feature.depth": "括号深度", "feature.is bracket": "是否为括号",
    "feature.remembered symbol": "要记住的符号", "feature.steps since cue": "距线索符号的步数",
    "feature.in word": "是否在单词内", "feature.position in word": "在单词中的位置",
    "feature.after punctuation": "是否紧跟标点", "feature.value": "数值", "feature.regime": "所处阶段",
    "feature.steps since change": "距突变的步数", "feature.marked": "是否被标记",
    "feature.running sum of marked values": "已标记数值的累加和", "feature.word value": "单词的数值",
    "feature.is multiplier": "是否为“百/千”", "feature.word polarity": "词语极性",
    "feature.under negation": "处于否定范围内", "feature.main clause": "是否在主句中",
    "feature.true value": "真实值", "feature.phase": "相位",
    "class.sentiment.negative": "负面", "class.sentiment.positive": "正面",
    "class.waveform.sine": "正弦波", "class.waveform.square": "方波", "class.waveform.triangle": "三角波",
    "class.waveform.sawtooth": "锯齿波",
    "pred.lag.class": "{cue}（概率 {p:.2f}）",
    "pred.sentiment.class": "{label}（概率 {p:.2f}）",
    "pred.brackets.right": "深度 {depths}（全部正确）",
    "pred.brackets.wrong": "深度 {depths}（错 {wrong} 处）",
    "pred.upload.next": "输出头预测的下一个词元：{guesses}",
    "pred.upload.class": "输出头在最后一步之后最可能的类别：{guesses}",
    "pred.upload.value": "输出头在最后一步之后的输出：{value}",
    "pred.charlm.next": "下一个字符：{guesses} · 续写：“{text}”",
    "pred.forecast.next": "下一个值 ≈ {value:.2f}（最后一个值 {last:.2f}）",
    "pred.waveform.generated": "生成：{values}（与真实{shape}相比，均方误差 {mse:.3f}）",
    "pred.translate.right": "{output}（正确）",
    "pred.translate.wrong": "{output}（错误，应为 {truth}）",
    "pred.adding.sum": "和 ≈ {value:.2f}（真实值 {true:.2f}）",
    "pred.prefix.class": "{cue}（概率 {p:.2f}）",
    # 常见说法实验：由 assets/claims.json 汇总（比较页）
    "compare.claims.none": "无",
    "page.exploding": "梯度爆炸",
    "expl.intro": "随时间反向传播每经过一步，就把 ∂L/∂h_t 乘上该步的雅可比矩阵 diag(1 − h_t²) W_hh。这里是一个普通的 tanh "
                  "RNN（32 个神经元，输入是较小的随机数），W_hh = ρ·Q，即一个随机旋转再放大 ρ 倍：它的谱半径就是 ρ。"
                  "ρ 小于 1 时乘积一步步缩小（梯度消失）；大于 1 时它可能按几何级数增长（梯度爆炸），在这样的梯度上"
                  "走一步训练就可能把权重甩得很远。梯度裁剪是标准的防护手段。",
    "expl.radius": "W_hh 的谱半径 ρ",
    "expl.radius.help": "循环矩阵最大的 |特征值|。演示保持同一个旋转 Q 和同一个输入，只改变缩放倍数。",
    "expl.steps": "序列长度 T",
    "expl.threshold": "裁剪阈值 τ",
    "expl.threshold.help": "梯度裁剪 torch.nn.utils.clip_grad_norm_(model.parameters(), τ)：当全部参数梯度的范数大于 τ 时，"
                           "把梯度整体缩放到范数 τ。",
    "expl.m.radius": "实测 ρ",
    "expl.m.radius.help": "模块 weight_hh_l0 的最大 |特征值|，由模块直接算出。",
    "expl.m.growth": "每往回一步",
    "expl.m.growth.help": "(‖∂L/∂h_0‖ / ‖∂L/∂h_{T−1}‖)^(1/(T−1))：梯度每往回传一步平均增大（> 1）或缩小（< 1）的倍数。",
    "expl.m.ratio": "‖∂L/∂h_0‖ / ‖∂L/∂h_{T}‖",
    "expl.m.before": "裁剪前的 ‖∇θ L‖",
    "expl.m.after": "在 {tau} 处裁剪后",
    "expl.flow.title": "梯度随时间回传：‖∂L/∂h_t‖（对数坐标）",
    "expl.read.grows": "当 ρ = {radius} 时，每往回一步，‖∂L/∂h_t‖ 平均乘以 {factor}：在损失之前 {steps} 步处，它是损失处的 "
                       "{ratio} 倍。梯度在回传中爆炸：tanh 的斜率（≤ 1）会在每一步削弱它，所以这需要 ρ > 1，但 ρ > 1 "
                       "并不总是足够。",
    "expl.read.shrinks": "当 ρ = {radius} 时，每往回一步，‖∂L/∂h_t‖ 平均乘以 {factor}：在损失之前 {steps} 步处只剩下 "
                         "{ratio} 倍。这就是梯度消失；把 ρ 调到 1 以上可以让它爆炸。",
    "expl.clip.header": "梯度裁剪做了什么",
    "loss.sum.at.last": "L = 最后一步的输出之和",
    "expl.clip.read": "在这个长度下，参数梯度的范数是 {before}；clip_grad_norm_ 以 τ = {tau} 把它整体乘以 {scale}，"
                      "变成 {after}。裁剪前后梯度的余弦相似度是 {cos}：方向不变，只是限制了一步更新的大小。梯度裁剪"
                      "不会让远处的时间步更重要或更不重要——它只是防止一个爆炸的批次毁掉权重。",
    "expl.shipped": "模型库中的每个模型训练时都使用了阈值为 1.0 的梯度裁剪：{n} 张模型卡中有 {ok} 张记录 clip = 1.0"
                    "（python -m cellviz.zoo.train）；常见说法实验和“看它学习”也在 1.0 处裁剪。",
    "expl.shipped.others": " 另外发现的值：{values}。",
    "expl.growth.header": "每步增长倍数与 ρ 的关系",
    "expl.growth.read": "每个 ρ 都使用同一个旋转和同一个输入。从 ρ ≈ {first} 起梯度开始增长（倍数 > 1）：对 tanh 来说，"
                        "ρ > 1 是梯度爆炸的必要条件，还需要多大，取决于饱和的神经元（斜率接近 0）。",
    "plot.clip.before": "裁剪前",
    "plot.clip.after": "在 τ = {tau} 处裁剪后",
    "plot.clip.length": "序列长度",
    "plot.clip.y": "‖∇θ L‖（对数）",
    "plot.clip.title": "参数梯度范数随序列长度的变化：裁剪前与裁剪后",
    "plot.growth.x": "W_hh 的谱半径 ρ",
    "plot.growth.y": "每往回一步的增长倍数",
    "plot.growth.one": "1：既不增长也不缩小",
    "plot.growth.title": "‖∂L/∂h_t‖ 每往回一步的增长倍数，随 ρ 变化",
    "explain.conv.gru.title": "在读 GRU 教程？各种约定的不同之处",
    "explain.conv.gru.text": "上面的公式是 PyTorch 的，正是这个模型的计算方式。教程之间有两处不同。**1. 哪个门保留旧状态。**"
                             "Cho 等人 2014（式 7）和 Keras `GRUCell`（两种 `reset_after` 模式：`h = z * h_tm1 + "
                             "(1 - z) * hh`）与 PyTorch 的约定相同：z 是从 h_{t−1} 保留的份额。下面互换的形式来自 Chung "
                             "等人 2014，colah 和维基百科的示意图也这样画：那里的 z′ 是新候选状态所占的份额。两者是同一个"
                             "模型，z′ = 1 − z（把更新门的权重和偏置取负即可：σ(−a) = 1 − σ(a)）。**2. r 作用的位置。**"
                             "Cho 等人、Chung 等人和 Keras `reset_after=False` 在乘矩阵之前把 r 乘到 h_{t−1} 上，"
                             "U (r ⊙ h_{t−1})；PyTorch 在矩阵乘积之后相乘，r ⊙ (W_hn h_{t−1} + b_hn)（Keras "
                             "`reset_after=True`、cuDNN 的写法）。这是真正不同的模型，而不只是换个名字：按一种形式训练的"
                             "权重，放到另一种形式里输出并不相同。",
    "explain.conv.gru.numbers": "神经元 {unit} 在这个输入上：z 的平均值是 {z}，所以 PyTorch 平均保留 h_{{t−1}} 的 "
                                "{keep}；用 z′ 的教程对同一个神经元会写 z′ = 1 − z = {z_tut}。",
    "explain.conv.lstm.title": "在读 LSTM 教程？它的记号如何对应这里的公式",
    "explain.conv.lstm.text": "教程常为每个门写一个作用在拼接向量 [h_{t−1}, x_t] 上的矩阵和一个偏置：这个矩阵就是并排"
                              "放置的 [W_hf W_if]，偏置就是 b_if + b_hf（PyTorch 保留两个，见“循环单元对比”）。候选值 "
                              "g 常写作 c̃。PyTorch 在 weight_ih_l0 和 weight_hh_l0 中按 i、f、g、o 的顺序存放四个门的行。",
    "explain.stack.title": "堆叠：{layers} 层中每一层读什么",
    "explain.stack.text": "堆叠 RNN 把每一层的隐藏状态序列作为输入送给上一层：第 0 层读 x_t（输入维度 {I}）；上面的每一层"
                          "读下一层的 h_t，两个方向拼接在一起（输入维度 D·H = {D}·{H} = {DH}）。每一层有自己的权重和"
                          "自己沿时间的循环；只有最上层的 h_t 是模块的输出。下表显示这个模型各层在这个输入上的差别"
                          "（上面显示的是第 {layer} 层）。",
    "explain.stack.one.title": "堆叠：第二层会读什么",
    "explain.stack.one.text": "这个模型只有一层。若堆叠，第 1 层会在每个时间步读取这一层的 h_t 作为输入（输入大小为 "
                              "D·H = {D}·{H} = {DH}，而不是 {I}），并有自己的权重和自己在时间上的循环；只有最上面一层的 "
                              "h_t 才是输出。模型库中的堆叠模型：{models}。",
    "explain.hand.title": "手写的公式与 {module} 相同：最大 |差| 为 {dh}",
    "explain.hand.text": "下面的代码把循环单元一步一步写出来，正是上面的公式。它现在就在本页的输入上运行，每一层读取手写的"
                         "下一层；{module} 用同样的权重在同样的输入上逐步运行。",
    "explain.hand.col.direction": "方向",
    "explain.hand.col.steps": "时间步数",
    "explain.hand.caption": "在每个时间步、每一层和每个方向上，|手写的 h − torch 的 h| 的最大值：{dh}{dc}（float32 舍入误差）。",
    "explain.hand.caption_c": "；c 的：{dc}",
    "explain.stack.col.layer": "层",
    "explain.stack.col.reads": "读入",
    "explain.stack.col.inputs": "输入维度",
    "explain.stack.col.abs_h": "|h| 的平均值",
    "explain.stack.col.saturated": "|h| > 0.95 的比例",
    "explain.stack.col.grad": "‖∂L/∂h_t‖ 的平均值",
    "explain.stack.reads_x": "输入 x_t",
    "explain.stack.reads_h": "第 {below} 层的 h_t",
    "io.N->1": "多对一（N→1）",
    "io.1->N": "一对多（1→N）",
    "io.N->N": "多对多（N→N）",
    "io.N->M": "序列到序列（N→M）",
    "explain.io.header": "四种输入/输出形式",
    "explain.io.col.shape": "形式",
    "explain.io.col.example": "典型例子",
    "explain.io.col.zoo": "模型库中这种形式的任务",
    "explain.io.col.models": "模型数",
    "explain.io.ex.N->1": "分类：读完整个句子，输出它的情感",
    "explain.io.ex.1->N": "生成：从一个输入（一种波形、一个起始符号）产生一个序列",
    "explain.io.ex.N->N": "序列标注、语言模型、预测：每个输入步对应一个输出",
    "explain.io.ex.N->M": "翻译：编码器读入源序列，解码器写出另一长度的输出",
    "explain.io.note": "四种形式里的循环单元完全一样；不同的是输出层从哪里读取状态、损失位于哪里，所以梯度流页面对每种"
                       "形式的读法不同。",
    "explain.shapes.title": "在 PyTorch 中：{module} 对这个输入返回什么",
    "explain.shapes.text": "对应到本页（T = {T} 个时间步，D = {D} 个方向，{L} 层，H = {H}）：output[t] 是最上层（第 {top} "
                           "层）的 h_t（两个方向并排）；h_n[层·D + 方向] 是该层该方向的最终 h——正向是 t = {last} 处的 h，"
                           "反向是它结束处 t = 0 的 h。",
    "explain.shapes.checked": "已在本轨迹上核对：h_n 的每一行都等于本页在相应时间步显示的 h。",
    "explain.shapes.unchecked": "在本轨迹上 h_n 与画出的最终 h 不相等（是否有干预改变了它？）。",
    "list.sep": "、", "list.sep2": "；",
    # 长时记忆一课（issue 11）：导览幻灯片、实验图表与摘要
    "tour.rnn.title": "1 · 普通 RNN 能保持线索符号，难的是学会",
    "tour.rnn.headline": "lag-rnn 在间隔 {lag} 时回答 {prediction}；它的神经元 {unit} 最终为 A {a}、B {b}、C {c}、"
                         "D {d}：一个比特，{low} 对 {high}。",
    "tour.rnn.body": "对整个 h 的线性读出，在 {n_inputs} 个新输入中认对线索符号的比例为 {acc}。在单一间隔上从头训练，"
                     "RNN 学会的最大间隔为 {scratch}（{seeds} 个随机种子）。",
    "tour.rnn.body.nocl": "对整个 h 的线性读出，在 {n_inputs} 个新输入中认对线索符号的比例为 {acc}。",
    "tour.rnn.notes": "间隔任务先给出一个线索符号（A–D），接着是干扰符号，最后是‘?’：要说出那个线索符号。普通 RNN "
                      "每一步都重写整个状态，$h_t = \\tanh(W x_t + U h_{{t-1}} + b)$；这个模型靠把神经元推入饱和来"
                      "保持线索符号（第 4 页的 GRU 不靠饱和也能保持）。神经元 {unit} 在这个输入上：刚看到线索符号后 "
                      "h = {h0}，到最后一个干扰符号时 h = {h1}，干扰期间介于 {lo} 与 {hi} 之间。四个最终值：每个线索符号"
                      "后面接同样的干扰符号。读出准确率：模型自己的线性输出层在间隔 {lag} 的 {n_inputs} 个新输入上"
                      "（线索符号与干扰符号随机，种子 0）。",
    "tour.rnn.learn": "**难的是学会它**（第 6 页的实验，{seeds} 个随机种子）：在单一间隔上从头训练，RNN 学会的最大间隔为 "
                      "{scratch}。采用间隔从 5 逐步增长的课程训练，它学会的最大间隔为 {curriculum}（{reached}），之后在"
                      "间隔 {far} 上的准确率为 {held}。",
    "tour.below_float32": "低于 float32 的表示范围",
    "tour.below_float32.range": "时间步 0–{t}：低于 float32 的表示范围（恰好为 0）",
    "tour.ratio.zero": "0（低于 float32 的表示范围）",
    "tour.claims.range": "{med}（各随机种子最少 {lo}、最多 {hi}）",
    "tour.claims.none_lag": "零",
    "tour.rnn.figure": "{name} 的隐藏状态：神经元 × 时间",
    "tour.grad.title": "2 · 为什么从头学不会：梯度在收缩",
    "tour.grad.headline": "训练前，线索符号处的 ‖∂L/∂h‖ 只有 {lag} 步之后‘?’处的 {untrained}。",
    "tour.grad.body": "此时没有神经元饱和（1−h² 均值 {slope_untrained}）：原因是收缩，ρ(W_hh) = {rho_untrained}。"
                      "训练造出一个锁存（ρ = {rho_trained}，1−h² 均值 {slope_trained}），它也挡住了梯度：{trained}。",
    "tour.grad.text": "要保持一个比特，RNN 可以**锁存**：把某个神经元推入饱和区，干扰符号就再也推不动它（Bengio、Simard "
                      "与 Frasconi，1994）。训练时误差逐步反向传播，每一步都要乘以该步的雅可比矩阵（见公式）。",
    "tour.grad.text2": "有两种东西会让这个乘积变小。饱和（$1 - h_t^2 \\approx 0$）是训练后的锁存所做的：保持比特的状态，"
                       "恰恰是梯度穿不过去的状态。训练之前没有神经元饱和，但谱半径小于 1 的循环矩阵每一步都让梯度收缩，"
                       "所以远处的线索符号几乎得不到学习信号：这才是从头学不会的原因。",
    "tour.grad.notes": "在这个输入上实测（间隔 {lag}），损失位于‘?’处：线索符号处的 ‖∂L/∂h‖ 相对于‘?’处的值，训练前"
                       "（快照 {snap}）为 {untrained}，训练后为 {trained}。ρ(W_hh) 是循环矩阵的谱半径，训练前 {rho_untrained}、"
                       "训练后 {rho_trained}；$1 - h^2$ 在所有神经元和干扰时间步上的均值：训练前 {slope_untrained}、训练后 "
                       "{slope_trained}。",
    "tour.grad.claims": "实验中在初始化时、往回 {k} 步处（{seeds} 个随机种子的中位数）：{values}。",
    "tour.grad.figure": "这个输入上的 ‖∂L/∂h_t‖ / ‖∂L/∂h_T‖（对数坐标），损失位于‘?’处",
    "tour.grad.untrained": "训练前：ρ(W_hh) {rho}，1−h² 均值 {slope}",
    "tour.grad.trained": "训练后：ρ(W_hh) {rho}，1−h² 均值 {slope}",
    "tour.grad.y": "‖∂L/∂h_t‖ / ‖∂L/∂h_T‖（对数坐标）",
    "tour.lstm.title": "3 · LSTM：遗忘门可以保住的细胞状态",
    "tour.lstm.headline": "lag-lstm 承载线索符号的神经元 {unit} 在 {n} 步中保持 f = {f}：细胞状态把线索符号带到‘?’处"
                          "（c = {c1}）。",
    "tour.lstm.body": "但在 |c| ≈ {c_abs} 时输出的 tanh 已饱和：float32 中 tanh′(c) = {tanh_prime}，这个神经元的 "
                      "‖∂L/∂c_t‖ 从时间步 {zero} 起恰好为 0。f ≈ 1 来自 chrono 初始化。",
    "tour.lstm.body.nozero": "在 |c| ≈ {c_abs} 时输出的 tanh 接近饱和：tanh′(c) = {tanh_prime}。f ≈ 1 来自 chrono 初始化。",
    "tour.lstm.text": "LSTM 增加了细胞状态 $c$ 和三个 sigmoid 门：遗忘门 $f$、输入门 $i$、输出门 $o$。",
    "tour.lstm.text2": "沿着 $c$，一步的雅可比就是 $f_t$——没有压缩的 $\\tanh'$——所以当 $f \\approx 1$ 时梯度能传得很远。"
                       "$f$ 是否接近 1 取决于训练和初始化：1997 年的 LSTM 根本没有遗忘门（$f \\equiv 1$）；PyTorch "
                       "的默认初始化让 $f$ 从 0.5 左右开始。",
    "tour.lstm.notes": "在当前的 lag-lstm 上实测（间隔 {lag}；chrono 初始化，遗忘门偏置取自 log U(1, {top_m1})；课程 "
                       "{levels}）。最能区分四个线索符号的是神经元 {unit}。在 {n} 个干扰符号上它的平均 f = {f}、平均 "
                       "i = {i}：c 不断累加候选值，从线索符号后的 {c0} 变到最后一个干扰符号处的 {c1}，线索符号保存在 c "
                       "漂移的方向里，而不是一个冻结的值。h = o·tanh(c) 最终为 {h1}（o 均值 {o}）。|c| 超过约 9 后，"
                       "tanh′(c) = 1 − tanh²(c) 在 float32 中舍入为 0，所以损失只能通过最初几步到达这个神经元的 c。"
                       "它回答 {prediction}。",
    "tour.like_with_like": "同类相比（实验中从头训练学会的最大间隔）：LSTM 默认初始化 {lstm_default}，chrono 初始化 "
                           "{lstm_chrono}；GRU 默认初始化 {gru_default}，z 偏置为 1 时 {gru_keep1}。lag-lstm 用 chrono 初始化，"
                           "lag-gru 用 PyTorch 默认初始化：两者的差别有一部分来自初始化，而不是结构。",
    "tour.lstm.zero": "恰好为 0：float32 中 tanh′(c) = 0",
    "tour.lstm.figure": "承载线索符号的神经元 {unit} 随时间的变化",
    "tour.gru.title": "4 · GRU：这个模型实际如何保持线索符号",
    "tour.gru.headline": "lag-gru 把线索符号保持在一个稳定状态附近：线索符号后对 h 的扰动，到‘?’处缩小为 {gain} 倍"
                         "（lag-rnn：{rnn_gain} 倍）。",
    "tour.gru.body": "没有饱和：承载线索符号的神经元 {unit} 的 n ≤ {n_max}，z = {z}，每一步取新 n 的 {new}。它的初始化"
                     "与 lag-lstm 不同（默认而非 chrono）：见讲稿。",
    "tour.gru.text": "GRU 只有一个状态和两个门：重置门 $r$ 与更新门 $z$；按 PyTorch 的约定：",
    "tour.gru.convention": "PyTorch 的约定 $h_t = (1 - z_t) n_t + z_t h_{t-1}$，也是 Cho 等人 2014（式 7）和 Keras "
                           "`GRUCell`（两种 `reset_after` 模式：`h = z * h_tm1 + (1 - z) * hh`）的写法。互换的形式 "
                           "$h_t = (1 - z_t) h_{t-1} + z_t n_t$ 来自 Chung 等人 2014，colah 和维基百科的示意图也这样画。"
                           "r 作用的位置也不同：Cho 等人和 Keras `reset_after=False` 在乘矩阵之前把 r 作用于 "
                           "$h_{t-1}$，PyTorch 在乘矩阵之后。",
    "tour.gru.notes": "在当前的 lag-gru 上实测（间隔 {lag}；PyTorch 默认初始化；课程 {levels}）。承载线索符号的神经元 "
                      "{unit}：在 {n_steps} 个干扰符号上平均 z = {z}、r = {r}、n = {n}（最大 {n_max}）；h 始终介于 {lo} "
                      "与 {hi} 之间。一步雅可比 ∂h_t/∂h_(t−1) 的最大 |特征值| 在干扰期间：中位数 {eig}，最大 {eig_max}；"
                      "它们在 {n_steps} 个干扰符号上的乘积的范数为 {gain}（lag-rnn：{rnn_gain}）：扰动慢慢消失，状态停在"
                      "线索符号选定的那个点附近。它回答 {prediction}。",
    "tour.gru.figure": "承载线索符号的神经元 {unit} 随时间的变化",
    "tour.claims.title": "6 · 实测常见说法——以及结论取决于什么",
    "tour.claims.headline": "在单一间隔上从头训练，默认初始化的 LSTM 学会的最大间隔为 {lstm}，RNN 为 {rnn}，chrono "
                            "初始化的 LSTM 为 {chrono}（{seeds} 个随机种子的中位数）。",
    "tour.claims.body": "每一行的数据、预算和随机种子都相同。初始化对能学多远的影响不亚于循环单元的种类：“RNN 10–20 "
                        "步、LSTM 100 步以上”取决于初始化、课程、预算和任务。",
    "tour.claims.at_least": "≥ {lag}",
    "tour.claims.row": "**{row}**：从头训练，最大间隔 {scratch}；课程训练，{curriculum}（{reached}）。",
    "plot.claims.row.rnn": "RNN",
    "plot.claims.row.lstm": "LSTM（默认初始化）",
    "plot.claims.row.lstm-forget1": "LSTM，遗忘门偏置 1",
    "plot.claims.row.lstm-chrono": "LSTM，chrono 初始化",
    "plot.claims.row.gru": "GRU（默认初始化）",
    "plot.claims.row.gru-keep1": "GRU，z 偏置 1",
    "plot.claims.one_bit": "一个比特（50%）",
    "plot.claims.acc.from_scratch": "在单一间隔上从头训练：准确率",
    "plot.claims.acc.curriculum": "课程训练之后：准确率随测试间隔的变化",
    "plot.claims.level": "课程级别（间隔）",
    "plot.claims.step": "学会时的训练步数",
    "plot.claims.steps.title": "课程训练：学会各间隔时的步数",
    "plot.claims.k": "与损失的距离 k（步）",
    "plot.claims.grad.y": "‖∂L/∂h_(T−k)‖ / ‖∂L/∂h_T‖",
    "plot.claims.grad.title": "初始化时：往回 k 步处的梯度",
    # the claims experiment v2 (assets/claims.json schema 2, worded by cellviz.zoo.claims_report)
    "claims.task.lag": "间隔回忆", "claims.task.prefix": "带前缀的间隔回忆", "claims.task.adding": "加法问题",
    "claims.level.lag": "间隔", "claims.level.length": "长度 T",
    "claims.not_within": "预算内未学会",
    "claims.not_within_some": "预算内未学会（{seeds} 个随机种子中 {k} 个学会，最快在 {lo} 步）",
    "claims.range": "{med}（{lo}–{hi}）",
    "claims.range_c": "{med}（{lo}–{hi}；{seeds} 个随机种子中 {n} 个预算内未学会）",
    "claims.below_f32": "低于 float32 范围",
    "claims.rule.accuracy": "学会 = 留出集准确率 ≥ {value}；随机水平 {chance}",
    "claims.rule.mse": "学会 = 留出集 MSE ≤ {value}；总答 1 得 {baseline}，只记住两个值中的一个得 {one_value}",
    "claims.col.row": "行", "claims.col.largest": "学会的最大{level}",
    "claims.col.steps_to": "学会{level} {L} 的步数", "claims.col.scratch": "从零训练：学会{level} {L} 的步数",
    "claims.col.grad": "未训练时往回 k = {k} 步的梯度",
    "claims.short.rnn": "RNN", "claims.short.lstm": "LSTM", "claims.short.lstm-forget1": "LSTM b_f=1",
    "claims.short.lstm-chrono": "LSTM chrono 初始化", "claims.short.gru": "GRU", "claims.short.gru-keep1": "GRU b_z=1",
    "claims.head.every": "每一行", "claims.head.every_gated": "每个带门的行",
    "claims.head.none": "没有任何级别",
    "claims.head.reach": "{rows} {level}",
    "claims.head.start": "{task}（{seeds} 个随机种子）学会的最大{name}：{reach}",
    "claims.head.speed": "学会{name} {L} 最快 {fast}（{fsteps} 步），最慢 {slow}（{ssteps} 步）",
    "claims.head.speed1": "{rows} 用 {steps} 步学会{name} {L}",
    "claims.head.not_ref": "{rows} 在预算内没有学会{name} {L}",
    "claims.head.no_ref": "没有一行在预算内学会{name} {L}",
    "claims.head.init_level": "{cell} 初始化改变所达级别（{values}）",
    "claims.head.init_speed": "{cell} 初始化改变速度（{values} 步）",
    "claims.head.init_none": "{cell} 初始化：无 1.5 倍差别",
    "claims.head.gate_fails": "RNN 和每个带门的行一样好，所以“这个任务需要门”的假设在这里不成立",
    "claims.head.gate_holds": "RNN 走得比每个带门的行都短",
    "claims.head.gate_some": "RNN 和 {rows} 走得一样远",
    "claims.head.join": "；", "claims.head.end": "。",
    "claims.protocol.lag": "**间隔回忆**：先是线索符号 A–D，然后是干扰符 w–z，最后是“?”；回答线索符号。",
    "claims.protocol.prefix": "**带前缀的间隔回忆**：先是 {min_prefix}–{max_prefix} 个诱饵（A–D 和 w–z，无标记），"
                              "然后是“!”和线索符号、干扰符 w–z、“?”；回答被标记的线索符号。",
    "claims.protocol.adding": "**加法问题**（Hochreiter 与 Schmidhuber 1997，实验 4）：T 个 [0, 1] 中的值，其中两个被标记"
                              "（前后两半各一个）；回答它们的和。",
    "claims.protocol": "{rows} 行，每行 {seeds} 个随机种子，训练方式完全相同：{hidden} 个神经元，Adam（学习率 {lr}），批大小 "
                       "{batch}，梯度裁剪阈值 {clip}。课程：级别（{name}）{levels}；在级别 L 时{name}从 [{min_level}, L] "
                       "中抽取；每 {every} 步在 {val_n} 条恰为 L 的留出序列上检查（{rule}）；学会后升级，在同一级别上 "
                       "{stuck} 步仍未学会则停止。从零训练：新模型只在一个{name}（{scratch}）上训练和检查，最多 "
                       "{scratch_budget} 步。初始化时的梯度：{grad_n} 条{name}为 {grad_level} 的序列。",
    "claims.run": "用 `{command}` 复现。本次运行：墙钟 {minutes} 分钟，各次训练共 {cpu} CPU 分钟，{workers} 个工作进程，"
                  "{cpus} 个核。机器：{note}。",
    "claims.plot.largest": "学会的最大{level}",
    "claims.plot.levels.title": "{task}：每行学会的最大级别（每个随机种子）",
    "claims.plot.ge_note": "△ 学会了最高级别：≥ {top}",
    "claims.plot.censored": "{seeds} 个随机种子中 {n} 个预算内未学会（在第 {steps} 步停止：≥ {steps}）",
    "claims.plot.level": "课程级别（{level}）",
    "claims.plot.speed.title": "{task}：学会每个级别时的步数（每 {every} 步检查一次）",
    "claims.plot.open_note": "△ 预算内未学会：运行停止之处",
    "claims.plot.budget": "预算 {steps} 步",
    "claims.plot.scratch.title": "{task}，从零训练：学会一个级别的步数",
    "claims.plot.grad.title": "{task}，初始化时：往回 k 步的梯度（级别 {level}）",
    "plot.seed": "随机种子",
    "compare.claims.v2.intro": "三个任务，六行，每行训练方式相同。每个标签页：一句由 assets/claims.json 算出的结论，"
                               "然后每个问题一张图。",
    "compare.claims.details": "实验方案，以及本次运行的情况",
    "compare.claims.table": "每行：各种子的中位数（最小–最大）；“预算内未学会”：在运行的步数内没有学会。",
    "compare.claims.header": "实测常见说法：每种循环单元能学会多长的间隔、学得多快",
    "compare.claims.old": "assets/claims.json 来自旧版本的实验：请重新运行 `{command}`。",
    "compare.claims.command": "复现：`{command}`（本次运行：在共享机器上用时 {minutes} 分钟，共 {cpu} CPU 分钟，2 个工作进程）。",
    "compare.claims.protocol": "**实验方案。** 长间隔回忆：一个线索符号（四选一）、若干干扰符号，然后是‘?’；随机猜测的准确率为 "
                               "{chance}。表中 {rows} 种设置各用 {seeds} 个随机种子，训练方式完全相同：{hidden} 个神经元，"
                               "Adam（学习率 {lr}），批大小 {batch}，梯度裁剪阈值 {clip}。**课程训练**：级别 {levels}；在级别 "
                               "L 上，间隔取自 [{min_lag}, L]，每 {every} 步在 {val_n} 条间隔恰为 L 的序列上检查准确率，达到 "
                               "≥ {advance} 即升级；总共最多 {budget} 步，在同一级别上最多 {stuck} 步。**从头训练**（另一项"
                               "发现）：新模型只在一个固定间隔（{scratch_lags}）上训练和检查，最多 {scratch_budget} 步。",
    "compare.claims.range": "{med}（各随机种子：最少 {lo}，最多 {hi}）",
    "compare.claims.reached": "{seeds} 个随机种子中有 {n} 个学会了间隔 {top}，中位数 {steps} 步",
    "compare.claims.not_reached": "未学会间隔 {top}",
    "compare.claims.row": "**{row}** —— 课程训练：最大间隔 {curriculum}，{reached}；之后在间隔 {far} 上的准确率为 {held}。"
                          "从头训练：最大间隔 {scratch}。",
    "compare.claims.gradients": "**初始化时的梯度**（右下）：在 {examples} 条间隔为 {lag} 的序列上、训练之前的 "
                                "‖∂L/∂h_(T−k)‖ / ‖∂L/∂h_T‖，取各随机种子的中位数；细线为 LSTM 的细胞状态 c。k = {k} 时："
                                "{values}。",
    "compare.claims.caveat": "**结论取决于什么。** 初始化（PyTorch 默认的 LSTM 从 f ≈ 0.5 开始；1997 年的 LSTM 没有遗忘门，"
                             "f ≡ 1；chrono 初始化让 f 从接近 1 开始）、课程以及训练步数预算。没学会某个间隔，意思是“在这个"
                             "预算内没学会”，而不是“无法表示”。随机猜测为 25%；50% 表示保住了一个比特（能把线索分成两对）。",
    "compare.claims.finding": "**数字说明了什么。** 从头训练时，学会的最大间隔（各随机种子的中位数）从 {lo}（{lo_rows}）"
                              "到 {hi}（{hi_rows}）不等。课程训练时，{curriculum}。",
    "compare.claims.finding.all": "每一行在每个随机种子上都在 {steps} 步之内学会了间隔 {top}，之后在间隔 {far} 上的准确率为 "
                                  "{acc}：先在短间隔上学会，线索符号就能保持到远超训练间隔的地方",
    "compare.claims.finding.some": "{rows} 行中有 {n} 行在每个随机种子上都学会了间隔 {top}",
    "grad.claims.v2": "**是学会，而不只是保持。** 这些是训练后模型的曲线。一种循环单元能否学会这个任务，取决于训练之前的梯度。"
                      "在常见说法实验中（“{page}”页，{task}），未训练的模型里，损失处的梯度传到往回 {k} 步处所剩的比例为：{values}。"
                      "课程训练时，学会的最大{name}（各随机种子的中位数）为：{reach}。",
    "grad.claims.lag": "**是学会，而不只是保持。** 这些是训练后模型的曲线。一种循环单元能否学会长间隔，取决于训练之前的梯度。"
                       "在常见说法实验中（“{page}”页），未训练的模型里，“?”处的梯度传到往回 {k} 步处所剩的比例为：{values}。"
                       "在单一间隔上从头训练，学会的最大间隔为：{reach}。",
}
