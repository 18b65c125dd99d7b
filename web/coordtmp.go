package web

func (s *server) coordRoutes() {}
