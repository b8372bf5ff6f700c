"""PyTorch reference timings for bdst's training benchmark (bench/train-step.ts).

Times the same workloads as the TypeScript side, on the CPU, with the same thread count, and
prints ONE JSON object per workload on stdout:

    {"workload": "cnn-16-32-64", "seconds": [..per timed run..], "images": 128}

Workloads (NHWC on the TypeScript side, NCHW here; same layers, same sizes):
  cnn-W0-W1-W2   smallCnn: 3 x (3x3 conv no bias + BN + ReLU), 2x2 max-pool after the first two,
                 global average pool, Linear(W2, 10); one SGD step (momentum 0.9, wd 1e-4)
  vgg16          kuangliu/pytorch-cifar VGG('VGG16') (13 conv + BN, Linear(512, 10)); one SGD step
  resnet18       kuangliu/pytorch-cifar ResNet18(); one SGD step
  epoch-cnn      one epoch of smallCnn (16-32-64) over N uint8 images: shuffle, uint8 -> float /255,
                 SGD steps of the batch size (the last batch may be smaller)
  selftrain-iteration
                 one Algorithm 1 iteration (n = 1, k = 0.3) of smallCnn (16-32-64) over N uint8 images,
                 20% labeled: eval-mode pseudo-labels of RCS0.5+VFlip views of the labeled images
                 (a per-image half-area crop, aspect in [3/4, 4/3], bilinear resize, vertical flip)
                 and of the unlabeled images (batches of 256), the 30% most confident per class,
                 one training epoch on them

Run: /usr/bin/python3 bench/torch_bench.py --workload cnn-16-32-64 --batch 128 --runs 3 --threads 2
Needs only torch (Debian's python3-torch); never a runtime dependency of bdst.
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

VGG16_CFG = [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M']


class SmallCnn(nn.Module):
    def __init__(self, widths, num_classes=10):
        super().__init__()
        layers, in_channels = [], 3
        for i, w in enumerate(widths):
            layers += [nn.Conv2d(in_channels, w, 3, padding=1, bias=False), nn.BatchNorm2d(w), nn.ReLU(inplace=True)]
            if i < 2:
                layers += [nn.MaxPool2d(2, 2)]
            in_channels = w
        self.features = nn.Sequential(*layers)
        self.linear = nn.Linear(in_channels, num_classes)

    def forward(self, x):
        return self.linear(F.adaptive_avg_pool2d(self.features(x), 1).flatten(1))


class Vgg16(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        layers, in_channels = [], 3
        for x in VGG16_CFG:
            if x == 'M':
                layers += [nn.MaxPool2d(2, 2)]
            else:
                layers += [nn.Conv2d(in_channels, x, 3, padding=1), nn.BatchNorm2d(x), nn.ReLU(inplace=True)]
                in_channels = x
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Linear(512, num_classes)

    def forward(self, x):
        return self.classifier(F.adaptive_avg_pool2d(self.features(x), 1).flatten(1))


class BasicBlock(nn.Module):
    def __init__(self, in_planes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_planes != planes:
            self.shortcut = nn.Sequential(nn.Conv2d(in_planes, planes, 1, stride=stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class ResNet18(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.in_planes = 64
        self.conv1 = nn.Conv2d(3, 64, 3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        stages = []
        for planes, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
            for s in [stride, 1]:
                stages.append(BasicBlock(self.in_planes, planes, s))
                self.in_planes = planes
        self.layers = nn.Sequential(*stages)
        self.linear = nn.Linear(512, num_classes)

    def forward(self, x):
        out = self.layers(F.relu(self.bn1(self.conv1(x))))
        return self.linear(F.adaptive_avg_pool2d(out, 1).flatten(1))


def build(workload):
    if workload.startswith('cnn-'):
        return SmallCnn([int(w) for w in workload[4:].split('-')])
    if workload in ('epoch-cnn', 'selftrain-iteration'):
        return SmallCnn([16, 32, 64])
    if workload == 'vgg16':
        return Vgg16()
    if workload == 'resnet18':
        return ResNet18()
    raise SystemExit(f'torch_bench.py: unknown workload {workload!r}')


def sgd_step(model, optimizer, images, labels):
    optimizer.zero_grad(set_to_none=True)
    loss = F.cross_entropy(model(images), labels)
    loss.backward()
    optimizer.step()
    return loss.item()


def time_steps(model, optimizer, batch, size, runs, warmup):
    generator = torch.Generator().manual_seed(0)
    images = torch.rand(batch, 3, size, size, generator=generator)
    labels = torch.randint(0, 10, (batch,), generator=generator)
    for _ in range(warmup):
        sgd_step(model, optimizer, images, labels)
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        sgd_step(model, optimizer, images, labels)
        seconds.append(time.perf_counter() - start)
    return seconds


def time_epoch(model, optimizer, batch, size, images_count, runs):
    generator = torch.Generator().manual_seed(0)
    data = torch.randint(0, 256, (images_count, size, size, 3), dtype=torch.uint8, generator=generator)
    labels = torch.randint(0, 10, (images_count,), generator=generator)
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        order = torch.randperm(images_count, generator=generator)
        for begin in range(0, images_count, batch):
            index = order[begin:begin + batch]
            x = data[index].permute(0, 3, 1, 2).float().div_(255)
            sgd_step(model, optimizer, x, labels[index])
        seconds.append(time.perf_counter() - start)
    return seconds


def strong_view(image, generator):
    """RCS0.5+VFlip of one CHW float image: a crop of half the area, resized back, flipped upside down."""
    _, h, w = image.shape
    area = 0.5 * h * w
    log_ratio = torch.empty(1).uniform_(math.log(3 / 4), math.log(4 / 3), generator=generator).item()
    ratio = math.exp(log_ratio)
    cw = min(w, max(1, round(math.sqrt(area * ratio))))
    ch = min(h, max(1, round(math.sqrt(area / ratio))))
    top = int(torch.randint(0, h - ch + 1, (1,), generator=generator))
    left = int(torch.randint(0, w - cw + 1, (1,), generator=generator))
    crop = image[:, top:top + ch, left:left + cw].unsqueeze(0)
    return F.interpolate(crop, size=(h, w), mode='bilinear', align_corners=False)[0].flip(1)


def time_selftrain_iteration(model, optimizer, batch, size, images_count, runs, fraction=0.3, classes=10):
    generator = torch.Generator().manual_seed(0)
    data = torch.randint(0, 256, (images_count, size, size, 3), dtype=torch.uint8, generator=generator)
    labeled = images_count // 5
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        model.eval()
        probabilities = []
        with torch.no_grad():
            for begin in range(0, images_count, 256):
                x = data[begin:begin + 256].permute(0, 3, 1, 2).float().div_(255)
                if begin < labeled:
                    x = torch.stack([strong_view(img, generator) if begin + i < labeled else img for i, img in enumerate(x)])
                probabilities.append(F.softmax(model(x), dim=1))
        confidence, predicted = torch.cat(probabilities).max(dim=1)
        per_class = math.ceil(fraction * images_count / classes)
        chosen = []
        for c in range(classes):
            members = (predicted == c).nonzero().flatten()
            order = torch.argsort(confidence[members], descending=True, stable=True)
            chosen.append(members[order[:per_class]])
        chosen = torch.cat(chosen)
        model.train()
        order = chosen[torch.randperm(len(chosen), generator=generator)]
        for begin in range(0, len(order), batch):
            index = order[begin:begin + batch]
            sgd_step(model, optimizer, data[index].permute(0, 3, 1, 2).float().div_(255), predicted[index])
        seconds.append(time.perf_counter() - start)
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--workload', action='append', required=True)
    parser.add_argument('--batch', type=int, default=128)
    parser.add_argument('--size', type=int, default=32)
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--epoch-images', type=int, default=10000)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    for workload in args.workload:
        model = build(workload).train()
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
        if workload == 'epoch-cnn':
            seconds = time_epoch(model, optimizer, args.batch, args.size, args.epoch_images, args.runs)
            images = args.epoch_images
        elif workload == 'selftrain-iteration':
            seconds = time_selftrain_iteration(model, optimizer, args.batch, args.size, args.epoch_images, args.runs)
            images = args.epoch_images
        else:
            seconds = time_steps(model, optimizer, args.batch, args.size, args.runs, args.warmup)
            images = args.batch
        print(json.dumps({'workload': workload, 'seconds': seconds, 'images': images, 'threads': torch.get_num_threads(),
                          'torch': torch.__version__}), flush=True)


if __name__ == '__main__':
    main()
