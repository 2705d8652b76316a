import { parse as parseHtml } from 'node-html-parser';
import type { UserAgent } from './user-agent.ts';

/*
 * A browser on the IdP's page after a logout: it loads the page's iframes (the clients'
 * front-channel logout URIs, OpenID Front-Channel Logout 1.0) with its cookies, as a browser
 * would, then follows the page's continue link, if any.
 */

export interface FrameLoad {
  url: string;
  status: number;
}

export interface AfterLogout {
  frames: FrameLoad[];
  /** Where the page goes on to (the post_logout_redirect_uri), if anywhere. */
  continueTo: string | undefined;
}

export async function afterLogoutPage(browser: UserAgent, html: string, pageUrl: string): Promise<AfterLogout> {
  const root = parseHtml(html);
  const frames: FrameLoad[] = [];
  for (const frame of root.querySelectorAll('iframe')) {
    const src = frame.getAttribute('src');
    if (!src) continue;
    const url = new URL(src, pageUrl).toString();
    const response = await browser.request(url);
    await response.arrayBuffer();
    frames.push({ url, status: response.status });
  }
  const link = root.querySelector('a#continue')?.getAttribute('href');
  return { frames, continueTo: link ? new URL(link, pageUrl).toString() : undefined };
}
