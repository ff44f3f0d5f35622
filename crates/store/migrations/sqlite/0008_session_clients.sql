-- Where each refresh token was issued to: the client address and user agent of the login or
-- refresh that issued it, so a session's list entry shows its latest ones. Older rows have none.
ALTER TABLE refresh_tokens ADD COLUMN ip TEXT;
ALTER TABLE refresh_tokens ADD COLUMN user_agent TEXT;
