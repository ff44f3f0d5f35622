//! The web page at `/ui/`, driven as a browser does (cookies, forms, redirects), with
//! JavaScript off: every form here is a plain form post.

mod admin;
mod browser;
mod login;
mod pages;
mod resources;
mod security;
mod session;
