/*
 * 中文搜索：在 Sphinx 的搜索运行之前把查询切成词。
 *
 * 索引里的中文词由 jieba（加本书的术语词典）切出；读者输入的“线性回归模型”之类不带空格的短语
 * 在 Sphinx 默认的 splitQuery 里是一个整词，索引里没有，于是什么也找不到。
 * 这里先按索引中已有的词做正向最大匹配（“线性回归” + “模型”），匹配不上的部分交给浏览器的
 * Intl.Segmenter 分词；单个汉字（“的”“和”之类）在还有其他词时丢掉（索引里不收单字）。
 * searchtools.js 只在 splitQuery 未定义时才定义默认版本，所以本文件要在它之前加载。
 *
 * 排序：Sphinx 对每个结果只取各个词得分中的最大值，“线性回归模型”切成两个词之后，
 * 标题含“模型”的任何一页都和标题为“线性回归”的那一页同分。这里的 Scorer（同样须在
 * searchtools.js 之前定义）按标题包含的查询词（越长越重要）加分，让标题最切题的页面排在前面。
 */
/* global Search */
(function () {
  "use strict";
  const HAN = /\p{Script=Han}/u;
  const RUNS = /\p{Script=Han}+|[^\p{Script=Han}]+/gu;
  const MAX_WORD = 10;
  const segmenter =
    typeof Intl !== "undefined" && Intl.Segmenter
      ? new Intl.Segmenter("zh", { granularity: "word" })
      : null;

  function vocabulary() {
    const index = typeof Search !== "undefined" && Search._index;
    return index ? [index.terms || {}, index.titleterms || {}] : [];
  }

  function known(vocab, word) {
    return vocab.some((terms) => Object.prototype.hasOwnProperty.call(terms, word));
  }

  function segmentUnknown(text) {
    if (!segmenter) return [text];
    return Array.from(segmenter.segment(text))
      .filter((s) => s.isWordLike !== false)
      .map((s) => s.segment);
  }

  function splitHan(text, vocab) {
    const words = [];
    let pending = "";
    const flush = () => {
      if (pending) words.push(...segmentUnknown(pending));
      pending = "";
    };
    for (let i = 0; i < text.length; ) {
      let match = "";
      for (let j = Math.min(text.length, i + MAX_WORD); j > i + 1; j--) {
        if (known(vocab, text.slice(i, j))) {
          match = text.slice(i, j);
          break;
        }
      }
      if (match) {
        flush();
        words.push(match);
        i += match.length;
      } else {
        pending += text[i];
        i += 1;
      }
    }
    flush();
    return words;
  }

  function d2lSplitQuery(query) {
    const vocab = vocabulary();
    const words = [];
    query
      .split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu)
      .filter((term) => term)
      .forEach((term) => {
        (term.match(RUNS) || []).forEach((run) => {
          if (!HAN.test(run) || known(vocab, run)) words.push(run);
          else words.push(...splitHan(run, vocab));
        });
      });
    const multi = words.filter((w) => !(HAN.test(w) && w.length === 1));
    return Array.from(new Set(multi.length ? multi : words));
  }

  // 与 searchtools.js 的默认值相同，只多了 score：标题每含一个（多字的）查询词，
  // 按词长每个字加 TITLE_CHAR 分（“线性回归”比“模型”更能说明读者要找什么）
  const TITLE_CHAR = 5;
  let lastWords = [];
  window.Scorer = {
    objNameMatch: 11,
    objPartialMatch: 6,
    objPrio: { 0: 15, 1: 5, 2: -5 },
    objPrioDefault: 0,
    title: 15,
    partialTitle: 7,
    term: 5,
    partialTerm: 2,
    score(result) {
      const title = String(result[1] || "");
      const chars = lastWords
        .filter((w) => w.length > 1 && title.includes(w))
        .reduce((sum, w) => sum + w.length, 0);
      return result[4] + TITLE_CHAR * chars;
    },
  };

  function splitAndRemember(query) {
    lastWords = d2lSplitQuery(query);
    return lastWords;
  }

  window.splitQuery = splitAndRemember;

  // 搜索结果下的摘要只取正文：去掉页眉按钮（“亮色/暗色”等）、页面目录、“在本地运行”提示和翻页链接。
  // Search 由 searchtools.js 定义，在 DOMContentLoaded 时已经存在，且本处理函数先于它的 Search.init 运行。
  const NOT_CONTENT = [".bd-header-article", ".bd-sidebar-secondary", ".d2l-run-locally",
    ".prev-next-area", ".bd-footer-article", ".onlyprint"].join(", ");
  document.addEventListener("DOMContentLoaded", () => {
    if (typeof Search === "undefined" || typeof Search.htmlToText !== "function") return;
    const original = Search.htmlToText;
    Search.htmlToText = (htmlString, anchor) => {
      const doc = new DOMParser().parseFromString(htmlString, "text/html");
      doc.querySelectorAll(NOT_CONTENT).forEach((el) => el.remove());
      return original(doc.documentElement.outerHTML, anchor);
    };
  });
  window.d2lSplitQuery = d2lSplitQuery; // 供浏览器测试调用
})();
