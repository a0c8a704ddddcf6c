/**
 * The Flash algorithm (Kohlmayer, Prasser, Eckert, Kemper, Kuhn: "Flash: Efficient, Stable and Optimal
 * K-Anonymity", PASSAT/SocialCom 2012), as summarised in the privacy design this rig follows.
 *
 * A node of the generalisation lattice is one level per quasi-identifier. k-anonymity (with a suppression limit)
 * is monotone over the lattice: if a node is anonymous, every more general node is too, and if it is not, no more
 * specific node is. Flash walks the lattice bottom-up, level by level; from each untagged node it builds a path
 * upwards (FINDPATH: always the first untagged successor, in a fixed order, so the run is stable whatever the
 * column order) and binary-searches it (CHECKPATH). Every check tags the node and, predictively, all its
 * successors (anonymous) or all its predecessors (not anonymous), so most nodes are never checked. Non-anonymous
 * nodes go to a min-heap and their successors seed new paths.
 *
 * Among the anonymous nodes found, the one with the least information loss wins. The loss used here, the average
 * generalisation height (Sweeney's precision), is monotone, so the optimum is always a k-minimal node that Flash
 * checked; the tests compare with an exhaustive search.
 */

export type Node = readonly number[];

export interface FlashResult {
  node: Node;
  loss: number;
  checks: number;
  lattice: number;
}

export interface FlashProblem {
  /** Levels per quasi-identifier, including 0 and the top. */
  heights: readonly number[];
  /** Is the data anonymous when generalised to this node? (the expensive part: counted in `checks`) */
  isAnonymous(node: Node): boolean;
}

export function loss(node: Node, heights: readonly number[]): number {
  return node.reduce((sum, level, i) => sum + level / Math.max(1, heights[i]! - 1), 0) / node.length;
}

const key = (n: Node) => n.join(',');
const level = (n: Node) => n.reduce((a, b) => a + b, 0);

function successors(n: Node, heights: readonly number[]): Node[] {
  const out: Node[] = [];
  n.forEach((l, i) => {
    if (l < heights[i]! - 1) out.push(n.map((x, j) => (j === i ? x + 1 : x)));
  });
  return out;
}

function predecessors(n: Node): Node[] {
  const out: Node[] = [];
  n.forEach((l, i) => {
    if (l > 0) out.push(n.map((x, j) => (j === i ? x - 1 : x)));
  });
  return out;
}

export function allNodes(heights: readonly number[]): Node[] {
  let nodes: Node[] = [[]];
  for (const h of heights) nodes = nodes.flatMap((n) => Array.from({ length: h }, (_, l) => [...n, l]));
  return nodes;
}

/** Fewest loss first; ties broken by lower total level, then lexicographically: the same answer every run. */
function better(a: Node, b: Node, heights: readonly number[]): boolean {
  const la = loss(a, heights);
  const lb = loss(b, heights);
  if (Math.abs(la - lb) > 1e-12) return la < lb;
  if (level(a) !== level(b)) return level(a) < level(b);
  return key(a) < key(b);
}

export function flash(problem: FlashProblem): FlashResult | undefined {
  const { heights } = problem;
  const tags = new Map<string, boolean>(); // true: anonymous
  let checks = 0;
  let best: Node | undefined;

  const tagUp = (n: Node) => {
    const stack = [n];
    while (stack.length) {
      const x = stack.pop()!;
      if (tags.get(key(x)) === true) continue;
      tags.set(key(x), true);
      stack.push(...successors(x, heights));
    }
  };
  const tagDown = (n: Node) => {
    const stack = [n];
    while (stack.length) {
      const x = stack.pop()!;
      if (tags.get(key(x)) === false) continue;
      tags.set(key(x), false);
      stack.push(...predecessors(x));
    }
  };

  const heap: Node[] = [];
  const pushHeap = (n: Node) => {
    heap.push(n);
    heap.sort((a, b) => level(a) - level(b) || key(a).localeCompare(key(b)));
  };

  const findPath = (start: Node): Node[] => {
    const path = [start];
    let current = start;
    for (;;) {
      const next = successors(current, heights).find((s) => !tags.has(key(s)));
      if (!next) return path;
      path.push(next);
      current = next;
    }
  };

  const checkPath = (path: Node[]) => {
    let low = 0;
    let high = path.length - 1;
    while (low <= high) {
      const mid = Math.floor((low + high) / 2);
      const node = path[mid]!;
      if (tags.has(key(node))) {
        // Tagged by an earlier check on this path: follow the tag.
        if (tags.get(key(node))) high = mid - 1;
        else low = mid + 1;
        continue;
      }
      checks++;
      if (problem.isAnonymous(node)) {
        tagUp(node);
        if (!best || better(node, best, heights)) best = node;
        high = mid - 1;
      } else {
        tagDown(node);
        pushHeap(node);
        low = mid + 1;
      }
    }
  };

  const byLevel = new Map<number, Node[]>();
  for (const n of allNodes(heights)) byLevel.set(level(n), [...(byLevel.get(level(n)) ?? []), n]);
  const maxLevel = Math.max(...byLevel.keys());
  for (let l = 0; l <= maxLevel; l++) {
    for (const node of byLevel.get(l) ?? []) {
      if (tags.has(key(node))) continue;
      checkPath(findPath(node));
      while (heap.length) {
        const n = heap.shift()!;
        for (const up of successors(n, heights)) {
          if (!tags.has(key(up))) checkPath(findPath(up));
        }
      }
    }
  }
  return best ? { node: best, loss: loss(best, heights), checks, lattice: allNodes(heights).length } : undefined;
}

/** The reference answer: check every node. For tests and small lattices. */
export function exhaustive(problem: FlashProblem): FlashResult | undefined {
  let best: Node | undefined;
  const nodes = allNodes(problem.heights);
  for (const n of nodes) if (problem.isAnonymous(n) && (!best || better(n, best, problem.heights))) best = n;
  return best ? { node: best, loss: loss(best, problem.heights), checks: nodes.length, lattice: nodes.length } : undefined;
}
