package fedhttp

// SetPage makes c ask for pages of n events, so that a test pulls a small
// log over many pages.
func SetPage(c *Client, n int) { c.page = n }
