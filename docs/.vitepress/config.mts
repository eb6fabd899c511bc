import { defineConfig } from 'vitepress';
import openapi from './openapi-sidebar.json' with { type: 'json' };

// 站点完全离线构建：不引用任何外部脚本、字体或搜索服务。
export default defineConfig({
  lang: 'zh-CN',
  title: 'wechatpay-ts',
  description: '微信支付 APIv3 的 TypeScript 客户端：链式调用、自动签名、应答验签',
  lastUpdated: false,
  themeConfig: {
    nav: [
      { text: '指南', link: '/guide/install' },
      { text: '接口', link: '/openapi/' },
    ],
    // Local search (MiniSearch, built into the site): no external service.
    search: { provider: 'local' },
    sidebar: {
      '/openapi/': openapi,
      '/': [
      {
        text: '指南',
        items: [
          { text: '安装', link: '/guide/install' },
          { text: '配置', link: '/guide/configure' },
          { text: '三种命名方式', link: '/guide/naming' },
          { text: '请求选项', link: '/guide/options' },
          { text: '错误与错误码', link: '/guide/errors' },
          { text: '密钥格式', link: '/guide/keys' },
          { text: '回调通知', link: '/guide/notifications' },
          { text: '平台证书', link: '/guide/certificates' },
          { text: '敏感信息与调起支付', link: '/guide/sensitive' },
          { text: '文件上传与下载', link: '/guide/files' },
          { text: 'APIv2', link: '/guide/v2' },
          { text: '沙箱', link: '/guide/sandbox' },
          { text: '沙箱：支付全流程', link: '/guide/sandbox-flows' },
          { text: '沙箱看板', link: '/guide/dashboard' },
        ],
      },
      { text: '接口', items: [{ text: '接口一览', link: '/openapi/' }] },
      ],
    },
    outline: { level: [2, 3], label: '本页目录' },
    docFooter: { prev: '上一页', next: '下一页' },
    darkModeSwitchLabel: '外观',
    sidebarMenuLabel: '菜单',
    returnToTopLabel: '回到顶部',
  },
});
